using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Pipeline
{
    /// <summary>
    /// What core work running off the pipeline thread may send to PowerShell: output objects, warnings, verbose,
    /// debug, progress and non-terminating errors. Everything goes through one queue that the cmdlet drains on
    /// the pipeline thread, so it arrives in the order it was sent. It is also the core's logger.
    /// </summary>
    public sealed class PipelineHandle : IStsLogger
    {
        private readonly BlockingCollection<PipelineMessage> messages = new BlockingCollection<PipelineMessage>();

        internal PipelineHandle(object? target)
        {
            Target = target;
        }

        /// <summary>The pipeline input being processed: the target of errors about it.</summary>
        public object? Target { get; }

        /// <summary>Writes an object to the output.</summary>
        public void WriteObject(object value) => Add(new PipelineMessage(PipelineMessageKind.Output, value));

        /// <summary>Writes a warning.</summary>
        public void WriteWarning(string text) => Add(new PipelineMessage(PipelineMessageKind.Warning, text));

        /// <summary>Writes progress.</summary>
        public void WriteProgress(ProgressRecord progress) => Add(new PipelineMessage(PipelineMessageKind.Progress, progress));

        /// <summary>
        /// Queues a line for the console, as Write-Host writes it (the information stream, tagged PSHOST): what a CI
        /// agent reads from standard output, such as a logging command.
        /// </summary>
        public void WriteHostLine(string text) =>
            Add(new PipelineMessage(PipelineMessageKind.Information, new InformationRecord(new HostInformationMessage { Message = text, NoNewLine = false }, "StsPowerShell") { Tags = { "PSHOST" } }));

        /// <summary>Writes a non-terminating error about <see cref="Target"/>.</summary>
        public void WriteError(Exception error) => Add(new PipelineMessage(PipelineMessageKind.Error, ErrorClassifier.ToRecord(error, Target)));

        /// <inheritdoc />
        public void Verbose(string message) => Add(new PipelineMessage(PipelineMessageKind.Verbose, message));

        /// <inheritdoc />
        public void Debug(string message) => Add(new PipelineMessage(PipelineMessageKind.Debug, message));

        /// <summary>Ends the queue: called once the work has finished.</summary>
        internal void Complete() => messages.CompleteAdding();

        /// <summary>
        /// Writes every message through <paramref name="cmdlet"/> until the work completes. Returns at once when
        /// <paramref name="stopping"/> is cancelled (Ctrl+C), whatever the work is doing.
        /// </summary>
        internal void Drain(Cmdlet cmdlet, CancellationToken stopping)
        {
            foreach (var message in messages.GetConsumingEnumerable(stopping))
            {
                message.WriteTo(cmdlet);
            }
        }

        private void Add(PipelineMessage message)
        {
            try
            {
                messages.Add(message);
            }
            catch (InvalidOperationException)
            {
                // The pipeline stopped listening (Ctrl+C); a message sent after that has nowhere to go.
            }
        }
    }
}
