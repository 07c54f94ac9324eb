namespace StsPowerShell.Core.Google
{
    /// <summary>One requirement Google's STS places on a subject token, and whether the token meets it.</summary>
    public sealed class SubjectTokenCheck
    {
        /// <summary>Creates a result.</summary>
        public SubjectTokenCheck(string requirement, bool passed, string detail)
        {
            Requirement = requirement;
            Passed = passed;
            Detail = detail;
        }

        /// <summary>What Google requires, in a few words.</summary>
        public string Requirement { get; }

        /// <summary>Whether the token meets it.</summary>
        public bool Passed { get; }

        /// <summary>What the token holds, never the token itself.</summary>
        public string Detail { get; }

        /// <summary>The check as one line.</summary>
        public override string ToString() => $"{(Passed ? "ok" : "FAILED")}: {Requirement} ({Detail})";
    }
}
