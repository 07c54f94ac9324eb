using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using StsPowerShell.Core.Http;
using StsPowerShell.Core.Http.Proxies;
using StsPowerShell.Pipeline;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// The base of the module's cmdlets. A cmdlet binds and converts its parameters on the pipeline thread, then
    /// returns one core call from <see cref="Prepare"/>, which runs off the pipeline thread and relays what it sends
    /// through a <see cref="PipelineHandle"/> in order. A failure is a non-terminating error about the input being
    /// processed, so the cmdlet goes on with the next one; Ctrl+C stops at once.
    /// </summary>
    public abstract class StsCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();

        /// <summary>The input the current record is about, for error records; null when nothing identifies it.</summary>
        private protected virtual object? CurrentTarget => null;

        /// <summary>Releases the cancellation source.</summary>
        public void Dispose()
        {
            stopping.Dispose();
        }

        /// <summary>Ctrl+C: cancels the call in flight and stops waiting for it.</summary>
        protected override void StopProcessing()
        {
            stopping.Cancel();
        }

        /// <summary>Processes one input: <see cref="Prepare"/> on the pipeline thread, then its work off it.</summary>
        protected sealed override void ProcessRecord()
        {
            var target = CurrentTarget;
            PipelineHandle pipe;
            Func<Task> work;
            try
            {
                pipe = new PipelineHandle(target);
                work = Prepare(pipe);
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                // Reading the input failed on the pipeline thread (a path, a secret of the wrong type).
                WriteError(ErrorClassifier.ToRecord(e, target));
                return;
            }

            var task = Task.Run(work, stopping.Token);
            task.ContinueWith(_ => pipe.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            // Writing an object runs the later pipeline stages on this thread: what they throw (a script's own
            // exception, break, continue) is theirs and passes through untouched; only the work's own failure is
            // reported as this cmdlet's error.
            try
            {
                pipe.Drain(this, stopping.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            try
            {
                task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (ProxyException e)
            {
                // The next input would meet the same proxy: the call stops here.
                ThrowTerminating(e);
            }
            catch (Exception e)
            {
                WriteError(ErrorClassifier.ToRecord(e, target));
            }
        }

        /// <summary>
        /// Reads this record's parameters on the pipeline thread (paths, secrets, PowerShell values) and returns the
        /// work to run off it. Anything the work sends goes through <paramref name="pipe"/>.
        /// </summary>
        private protected abstract Func<Task> Prepare(PipelineHandle pipe);

        /// <summary>
        /// The logger for Core: <paramref name="pipe"/> when verbose or debug output is wanted, else none, so that Core
        /// does not format messages nobody will see.
        /// </summary>
        private protected IStsLogger? Logger(PipelineHandle pipe) =>
            Wanted("Verbose", "VerbosePreference") || Wanted("Debug", "DebugPreference") ? pipe : null;

        private bool Wanted(string commonParameter, string preferenceVariable) =>
            MyInvocation.BoundParameters.TryGetValue(commonParameter, out var given)
                ? given is SwitchParameter on && on.IsPresent
                : GetVariableValue(preferenceVariable) is ActionPreference preference && preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore;

        /// <summary>Stops the whole call: for misuse that no pipeline input could make right.</summary>
        private protected void ThrowTerminating(Exception error) => ThrowTerminatingError(ErrorClassifier.ToRecord(error, null));

        /// <summary>Cancelled by Ctrl+C.</summary>
        private protected CancellationToken Cancellation => stopping.Token;
    }
}
