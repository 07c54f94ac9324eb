namespace StsPowerShell.Core.Http
{
    /// <summary>
    /// Receives what the core does, for PowerShell's verbose and debug streams. Messages never contain
    /// a secret. Calls may come from any thread.
    /// </summary>
    public interface IStsLogger
    {
        /// <summary>What is sent where, and what came back.</summary>
        void Verbose(string message);

        /// <summary>Support detail: timings, retries, header names.</summary>
        void Debug(string message);
    }
}
