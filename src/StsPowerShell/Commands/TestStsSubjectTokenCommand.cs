using StsPowerShell.Completion;
using StsPowerShell.Parameters;
using StsPowerShell.Pipeline;
using System.Threading.Tasks;
using System;
using System.Management.Automation;
using StsPowerShell.Core.Google;

namespace StsPowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Checks a subject token against each requirement Google's STS places on it, and reports every one as an object.</para>
    /// <para type="description">For a JWT: a kid header, alg RS256 or ES256, iss, iat in the past, exp not passed and at most 48 hours after iat, sub, and aud matching -Audience. For an AWS GetCallerIdentity token: the url, method and required headers, the host, x-amz-date within 15 minutes, the target resource matching -Audience and signed. For a SAML 2.0 assertion: issuer, subject, the audience and the validity window. The token is decoded, never verified and never shown. Invoke-StsTokenExchange runs the same checks when Google answers invalid_grant and adds the failures to its error.</para>
    /// </summary>
    /// <example title="Why was my token refused?">
    /// <code>
    /// Get-GitHubActionsIdToken -Audience "https:$provider" | Test-StsSubjectToken -Audience $provider | Where-Object Passed -eq $false
    /// </code>
    /// <para>Lists only the requirements the token fails.</para>
    /// </example>
    /// <example title="Check an AWS token before exchanging it">
    /// <code>
    /// New-AwsCallerIdentityToken -Audience $provider | Test-StsSubjectToken -Audience $provider | Format-Table
    /// </code>
    /// <para>Shows each requirement and what the token holds.</para>
    /// </example>
    /// <seealso href="https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token">Google STS: what a subject token must be</seealso>
    [Cmdlet(VerbsDiagnostic.Test, "StsSubjectToken")]
    [OutputType(typeof(SubjectTokenCheck))]
    public sealed class TestStsSubjectTokenCommand : StsCmdlet
    {
        /// <summary>The token to check, as a string or SecureString; binds a piped string or SecureString, or SubjectToken or AccessToken of a piped object. It is decoded, never verified, and never shown.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("AccessToken")]
        [SecretTransformation(PipedSecretsOnly = true)]
        [ValidateNotNull]
        public object SubjectToken { get; set; } = null!;

        /// <summary>The token's type: jwt, id_token, aws4_request, saml2 (or the URNs). Without it, the type is recognised by the token's shape and the first result says which.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("IssuedTokenType")]
        [ArgumentCompleter(typeof(TokenTypeCompleter))]
        [ValidateNotNullOrEmpty]
        public string? SubjectTokenType { get; set; }

        /// <summary>The pool provider the token is meant for.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        public string? Audience { get; set; }

        /// <summary>The object piped in, whole: the target of the errors about it. Not for use on the command line.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        /// <inheritdoc />
        private protected override object? CurrentTarget => ErrorTarget.Of(InputObject);

        private bool subjectTokenOnCommandLine;

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            // Before the first record only the command line is bound.
            subjectTokenOnCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(SubjectToken));
            base.BeginProcessing();
        }

        private protected override Func<Task> Prepare(PipelineHandle pipe)
        {
            ErrorTarget.RequireToken(InputObject, subjectTokenOnCommandLine);
            var token = SecretText.FromParameter(SubjectToken, nameof(SubjectToken)) ?? string.Empty;
            var checks = SubjectTokenChecker.Check(token, SubjectTokenType, Audience, DateTimeOffset.UtcNow);
            return () =>
            {
                foreach (var check in checks)
                {
                    pipe.WriteObject(check);
                }

                return Task.CompletedTask;
            };
        }
    }
}
