using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Binding;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// The base of the module's cmdlets: runs core calls off the pipeline thread while relaying their verbose
    /// and debug messages onto it, cancels them on Ctrl+C, and turns failures into terminating errors.
    /// </summary>
    public abstract class StsCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();

        /// <summary>Releases the cancellation source.</summary>
        public void Dispose()
        {
            stopping.Dispose();
        }

        /// <summary>Ctrl+C: cancels the call in flight at once.</summary>
        protected override void StopProcessing()
        {
            stopping.Cancel();
        }

        /// <summary>
        /// Runs <paramref name="work"/> off the pipeline thread and waits, writing the messages it sends to the
        /// logger it is given as they come.
        /// </summary>
        protected T Run<T>(Func<IStsLogger, CancellationToken, Task<T>> work)
        {
            using var messages = new BlockingCollection<LogMessage>();
            var logger = new QueueLogger(messages);
            var task = Task.Run(() => work(logger, stopping.Token));
            task.ContinueWith(_ => messages.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            foreach (var message in messages.GetConsumingEnumerable())
            {
                if (message.IsVerbose)
                {
                    WriteVerbose(message.Text);
                }
                else
                {
                    WriteDebug(message.Text);
                }
            }

            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                ThrowTerminating(e, null);
                throw;
            }
        }

        /// <summary>Stops the pipeline with <paramref name="error"/>, classified by <see cref="ErrorClassifier"/>.</summary>
        protected void ThrowTerminating(Exception error, object? target)
        {
            var (errorId, category) = ErrorClassifier.Classify(error);
            ThrowTerminatingError(new ErrorRecord(error, errorId, (ErrorCategory)Enum.Parse(typeof(ErrorCategory), category), target));
        }

        private readonly struct LogMessage
        {
            public LogMessage(bool isVerbose, string text)
            {
                IsVerbose = isVerbose;
                Text = text;
            }

            public bool IsVerbose { get; }

            public string Text { get; }
        }

        private sealed class QueueLogger : IStsLogger
        {
            private readonly BlockingCollection<LogMessage> messages;

            public QueueLogger(BlockingCollection<LogMessage> messages)
            {
                this.messages = messages;
            }

            public void Verbose(string message) => Add(new LogMessage(true, message));

            public void Debug(string message) => Add(new LogMessage(false, message));

            private void Add(LogMessage message)
            {
                try
                {
                    messages.Add(message);
                }
                catch (InvalidOperationException)
                {
                    // The call has finished and the pipeline stopped listening; nothing is lost that mattered.
                }
            }
        }
    }
}
