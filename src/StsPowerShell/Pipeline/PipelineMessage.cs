using System.Management.Automation;

namespace StsPowerShell.Pipeline
{
    /// <summary>The kinds of message a <see cref="PipelineHandle"/> relays.</summary>
    internal enum PipelineMessageKind
    {
        Output,
        Warning,
        Verbose,
        Debug,
        Progress,
        Information,
        Error,
    }

    /// <summary>
    /// One queued message. A class, not a struct: the queue's generic code is then shared with every other
    /// reference type, which precompiled code covers.
    /// </summary>
    internal sealed class PipelineMessage
    {
        private readonly PipelineMessageKind kind;
        private readonly object payload;

        public PipelineMessage(PipelineMessageKind kind, object payload)
        {
            this.kind = kind;
            this.payload = payload;
        }

        public void WriteTo(Cmdlet cmdlet)
        {
            switch (kind)
            {
                case PipelineMessageKind.Output:
                    cmdlet.WriteObject(payload);
                    break;
                case PipelineMessageKind.Warning:
                    cmdlet.WriteWarning((string)payload);
                    break;
                case PipelineMessageKind.Verbose:
                    cmdlet.WriteVerbose((string)payload);
                    break;
                case PipelineMessageKind.Debug:
                    cmdlet.WriteDebug((string)payload);
                    break;
                case PipelineMessageKind.Progress:
                    cmdlet.WriteProgress((ProgressRecord)payload);
                    break;
                case PipelineMessageKind.Information:
                    cmdlet.WriteInformation((InformationRecord)payload);
                    break;
                default:
                    cmdlet.WriteError((ErrorRecord)payload);
                    break;
            }
        }
    }
}
