using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using StsPowerShell.Core.Aws;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;

namespace StsPowerShell.NetFramework
{
    /// <summary>The Core flows, each one check. Every method touching Core types is separate from Main so a
    /// missing dependency fails that check only.</summary>
    internal static class Flows
    {
        private const string AwsAccessKeyId = "AKIAEMULATOREXAMPLE1";          // tests/StsEmulator/Aws/AwsSettings.cs
        private const string AwsSecretAccessKey = "emulator/Secret+Access/Key0000000000000";
        private const string AwsTemporaryAccessKeyId = "ASIAEMULATOREXAMPLE2";  // what its instance metadata serves

        // The emulator's second instance-metadata root (tests/StsEmulator/Aws/MetadataEndpoints.cs AlternateRoot), which
        // only URLs a configuration file names reach.
        private const string MetadataRoot = "/imds-elsewhere/latest";

        // Google's executable source runs a program; here it is a shell script, so that flow runs where this shell is.
        private const string Shell = "/bin/sh";

        /// <summary>The flows that need System.Text.Json (the executable one only where it runs); each must fail when the resolver is not registered.</summary>
        public static int FlowCount => ShellAvailable ? 10 : 9;

        private static bool ShellAvailable => File.Exists(Shell);

        public static void Run(Checks checks, Emulator emulator, string moduleFolder, bool withoutResolver)
        {
            var folder = Path.Combine(Path.GetTempPath(), "sts-netframework-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                checks.Run("JWT exchange", () => JwtExchange(emulator));
                checks.Run("AWS GetCallerIdentity token, verified by the emulator, exchanged", () => AwsExchange(emulator));
                checks.Run("per-attempt timeout cuts a stalled server off", () => Timeout(emulator));
                checks.Run("cancellation stops a stalled exchange", () => Cancellation(emulator));
                checks.Run("per-attempt timeout cuts off a body that stalls after the headers", () => Timeout(emulator, midBody: true));
                checks.Run("killing a helper that has already exited is not an error", () => KillExited());
                checks.Run("external_account file, file source", () => ExternalAccountFile(emulator, folder));
                checks.Run("external_account file, url source (json format)", () => ExternalAccountUrl(emulator, folder));
                checks.Run("external_account file, aws1 source from the emulator's instance metadata (IMDSv2)", () => ExternalAccountAws(emulator, folder));
                if (ShellAvailable)
                {
                    checks.Run("external_account file, executable source (run, then its output_file)", () => ExternalAccountExecutable(emulator, folder));
                }
                else
                {
                    checks.Skip("external_account file, executable source", Shell + " is absent");
                }

                checks.Run("impersonation: federated token to service-account token", () => Impersonation(emulator));
                checks.Run("downscoping with a credential access boundary", () => Downscope(emulator));
                if (!withoutResolver)
                {
                    checks.Run("resolver declines a higher System.Text.Json version", () => HigherVersionDeclined(moduleFolder));
                    checks.Run("resolver declines an assembly it does not ship", () => UnknownDeclined());
                }
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }

        private static StsHttpOptions Options(TimeSpan? timeout = null)
        {
            var options = new StsHttpOptions { Timeout = timeout ?? TimeSpan.FromSeconds(30) };
            options.Retry.MaximumRetryCount = 0;
            return options;
        }

        private static IssuedToken Exchange(Emulator emulator, string subjectToken, string subjectTokenType, StsHttpOptions options, CancellationToken cancellationToken = default)
        {
            var operation = new TokenExchangeOperation(new Uri(emulator.TokenEndpoint), null, options);
            var builder = new TokenExchangeRequestBuilder { SubjectToken = subjectToken, SubjectTokenType = subjectTokenType, RequestedTokenType = TokenTypes.AccessToken };
            builder.Audiences.Add(emulator.WorkloadProvider);
            builder.Scopes.Add("cloud-platform");
            var request = operation.Prepare(builder);
            return operation.ExchangeAsync(request, TokenReuse.None, null, cancellationToken).GetAwaiter().GetResult();
        }

        private static void JwtExchange(Emulator emulator)
        {
            var token = Exchange(emulator, emulator.MintJwt(emulator.WorkloadProvider), TokenTypes.Jwt, Options());
            Require(token.Token.Length > 0 && token.ExpiresOn > DateTimeOffset.UtcNow, "no usable token: " + token);
        }

        private static void AwsExchange(Emulator emulator)
        {
            var identity = CallerIdentityToken.Create(new AwsCredentials(AwsAccessKeyId, AwsSecretAccessKey), "us-east-1", emulator.WorkloadProvider, DateTimeOffset.UtcNow);
            var token = Exchange(emulator, identity.Token, identity.TokenType, Options());
            Require(token.Token.Length > 0, "empty token");
        }

        private static void Timeout(Emulator emulator, bool midBody = false)
        {
            var jwt = emulator.MintJwt(emulator.WorkloadProvider);
            emulator.DelayNextRequest(10000, midBody);
            var clock = Stopwatch.StartNew();
            var error = Catch(() => Exchange(emulator, jwt, TokenTypes.Jwt, Options(TimeSpan.FromSeconds(1))));
            Require(error != null, "the exchange succeeded despite a 10 s stall and a 1 s timeout");
            Require(!(error is FileNotFoundException || error is FileLoadException || error is TypeLoadException), "failed to load: " + error!.Message);
            Require(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalSeconds:0.0} s with a 1 s timeout ({error.GetType().Name}: {error.Message})");
        }

        // .NET Framework's Process.Kill throws on a process that is exiting or has exited; the module's helper tree
        // must take that as done, not fail the call.
        private static void KillExited()
        {
            var treeType = typeof(IssuedToken).Assembly.GetType("StsPowerShell.Core.Processes.HelperProcessTree", throwOnError: true)!;
            var startInfo = new ProcessStartInfo(ShellAvailable ? Shell : "cmd.exe", ShellAvailable ? "-c exit" : "/c exit") { UseShellExecute = false };
            var tree = Activator.CreateInstance(treeType, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, new object[] { startInfo }, null);
            using (var process = Process.Start(startInfo)!)
            {
                Require(process.WaitForExit(10000), "the helper did not exit");
                treeType.GetMethod("Kill")!.Invoke(tree, new object[] { process });
            }
        }

        private static void Cancellation(Emulator emulator)
        {
            var jwt = emulator.MintJwt(emulator.WorkloadProvider);
            emulator.DelayNextRequest(10000);
            var clock = Stopwatch.StartNew();
            using (var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
            {
                var error = Catch(() => Exchange(emulator, jwt, TokenTypes.Jwt, Options(), cancellation.Token));
                Require(error is OperationCanceledException, "expected OperationCanceledException, got " + (error == null ? "success" : error.GetType().Name + ": " + error.Message));
            }

            Require(clock.Elapsed < TimeSpan.FromSeconds(4), $"cancellation took {clock.Elapsed.TotalSeconds:0.0} s");
        }

        // Sources read variables only from this snapshot, never from the process: no AWS_* or GOOGLE_* variable of
        // the machine running the check can change what they do. 5 s per metadata request allows for a loaded machine.
        private static SubjectTokenContext Context(Dictionary<string, string?> environment) =>
            new SubjectTokenContext(environment, Options()) { MetadataTimeout = TimeSpan.FromSeconds(5) };

        private static IssuedToken FromConfiguration(string path, Dictionary<string, string?>? environment = null)
        {
            var configuration = ExternalAccountConfiguration.Load(path);
            var credential = new ExternalAccountCredential(configuration, Context(environment ?? new Dictionary<string, string?>()));
            return credential.GetAccessTokenAsync(new[] { "cloud-platform" }, TokenReuse.None, new TokenCache(() => DateTimeOffset.UtcNow), CancellationToken.None).GetAwaiter().GetResult();
        }

        private static string WriteConfiguration(Emulator emulator, string folder, string credentialSource, string subjectTokenType = TokenTypes.Jwt)
        {
            var path = Path.Combine(folder, "config-" + Guid.NewGuid().ToString("N") + ".json");
            File.WriteAllText(path,
                "{\"type\":\"external_account\",\"audience\":" + Quote(emulator.WorkloadProvider) +
                ",\"subject_token_type\":" + Quote(subjectTokenType) + ",\"token_url\":" + Quote(emulator.TokenEndpoint) +
                ",\"credential_source\":" + credentialSource + "}");
            return path;
        }

        private static void ExternalAccountFile(Emulator emulator, string folder)
        {
            var tokenFile = Path.Combine(folder, "token.jwt");
            File.WriteAllText(tokenFile, emulator.MintJwt(emulator.WorkloadProvider));
            var token = FromConfiguration(WriteConfiguration(emulator, folder, "{\"file\":" + Quote(tokenFile) + ",\"format\":{\"type\":\"text\"}}"));
            Require(token.Token.Length > 0, "empty token");
        }

        private static void ExternalAccountUrl(Emulator emulator, string folder)
        {
            var url = emulator.BaseUrl + "/subject-token?format=json&aud=" + Uri.EscapeDataString(emulator.WorkloadProvider);
            var source = "{\"url\":" + Quote(url) + ",\"headers\":{\"Metadata\":\"true\"},\"format\":{\"type\":\"json\",\"subject_token_field_name\":\"access_token\"}}";
            var token = FromConfiguration(WriteConfiguration(emulator, folder, source));
            Require(token.Token.Length > 0, "empty token");
        }

        private static void ExternalAccountAws(Emulator emulator, string folder)
        {
            var root = emulator.BaseUrl + MetadataRoot;

            // regional_cred_verification_url is only written into the signed token, never requested; the emulator
            // accepts only an AWS STS host there, as Google does.
            var source = "{\"environment_id\":\"aws1\"" +
                ",\"region_url\":" + Quote(root + "/meta-data/placement/availability-zone") +
                ",\"url\":" + Quote(root + "/meta-data/iam/security-credentials") +
                ",\"imdsv2_session_token_url\":" + Quote(root + "/api/token") +
                ",\"regional_cred_verification_url\":\"https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15\"}";
            var path = WriteConfiguration(emulator, folder, source, TokenTypes.Aws4Request);

            // No variables: the keys and the region can only come from the emulator's metadata.
            var environment = new Dictionary<string, string?>();
            var subjectToken = Uri.UnescapeDataString(ExternalAccountConfiguration.Load(path).CredentialSource.GetSubjectTokenAsync(Context(environment), CancellationToken.None).GetAwaiter().GetResult());
            Require(subjectToken.Contains("Credential=" + AwsTemporaryAccessKeyId + "/") && subjectToken.Contains("https://sts.us-west-2.amazonaws.com"),
                "the token was not signed with the metadata's keys for its availability zone's region (us-west-2b)");
            var token = FromConfiguration(path, environment);
            Require(token.Token.Length > 0, "empty token");
        }

        private static void ExternalAccountExecutable(Emulator emulator, string folder)
        {
            var script = Path.Combine(folder, "executable.sh");
            var outputFile = Path.Combine(folder, "executable-output.json");
            var expiration = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var response = "{\"version\":1,\"success\":true,\"token_type\":\"" + TokenTypes.Jwt + "\",\"id_token\":" + Quote(emulator.MintJwt(emulator.WorkloadProvider)) + ",\"expiration_time\":" + expiration + "}";

            // Shell built-ins only. It checks a variable the module passes, writes where output_file asks, as Google
            // asks executables to, and prints the response. A JWT and this JSON hold no single quote.
            File.WriteAllText(script,
                "[ \"$GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE\" = '" + emulator.WorkloadProvider + "' ] || exit 3\n" +
                "response='" + response + "'\n" +
                "printf '%s' \"$response\" > \"$GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE\"\n" +
                "printf '%s' \"$response\"\n");
            var source = "{\"executable\":{\"command\":" + Quote(Shell + " \"" + script + "\"") + ",\"timeout_millis\":10000,\"output_file\":" + Quote(outputFile) + "}}";
            var path = WriteConfiguration(emulator, folder, source);

            var refused = Catch(() => FromConfiguration(path));
            Require(refused is SubjectTokenSourceException && refused.Message.Contains(ExecutableCredentialSource.AllowVariable),
                "without " + ExecutableCredentialSource.AllowVariable + "=1 in the context: " + (refused == null ? "success" : refused.GetType().Name + ": " + refused.Message));

            var allowed = new Dictionary<string, string?> { [ExecutableCredentialSource.AllowVariable] = "1" };
            Require(FromConfiguration(path, allowed).Token.Length > 0, "empty token");
            Require(File.Exists(outputFile), "the executable wrote no output_file");

            // Without the script, a second token can only come from the unexpired response in output_file.
            File.Delete(script);
            Require(FromConfiguration(path, allowed).Token.Length > 0, "empty token from output_file");
        }

        private static void Impersonation(Emulator emulator)
        {
            var federated = Exchange(emulator, emulator.MintJwt(emulator.WorkloadProvider), TokenTypes.Jwt, Options());
            var client = new IamCredentialsClient(new Uri(emulator.BaseUrl), Options());
            var token = client.GenerateAccessTokenAsync(federated.Token, emulator.ServiceAccount, new[] { "cloud-platform" }, TimeSpan.FromMinutes(10), new string[0], CancellationToken.None).GetAwaiter().GetResult();
            Require(token.Token.Length > 0 && token.Token != federated.Token, "no service-account token");
        }

        private static void Downscope(Emulator emulator)
        {
            var federated = Exchange(emulator, emulator.MintJwt(emulator.WorkloadProvider), TokenTypes.Jwt, Options());
            var rules = new[] { new AccessBoundaryRule("//storage.googleapis.com/projects/_/buckets/example-bucket", new[] { "inRole:roles/storage.objectViewer" }) };
            var token = CredentialAccessBoundary.DownscopeAsync(new Uri(emulator.TokenEndpoint), federated.Token, federated.ExpiresOn, rules, Options(), CancellationToken.None).GetAwaiter().GetResult();
            Require(token.Token.Length > 0 && token.Token != federated.Token, "no downscoped token");
        }

        // Another module in the same Windows PowerShell session asks for a System.Text.Json newer than the one
        // shipped: the module's resolver must not hand it the older copy (.NET Framework would accept it).
        private static void HigherVersionDeclined(string moduleFolder)
        {
            var shipped = AssemblyName.GetAssemblyName(Path.Combine(moduleFolder, "dependencies", "System.Text.Json.dll"));
            var higher = new AssemblyName(shipped.FullName) { Version = new Version(shipped.Version.Major + 1, 0, 0, 0) };
            var sameOrLower = new AssemblyName(shipped.FullName) { Version = new Version(shipped.Version.Major, 0, 0, 0) };
            Require(AskResolvers(higher.FullName) == null, $"{higher.FullName} was answered with the shipped {shipped.Version}");
            var answered = AskResolvers(sameOrLower.FullName);
            Require(answered != null && answered.GetName().Version == shipped.Version, $"{sameOrLower.FullName} was not answered with the shipped copy");
        }

        private static void UnknownDeclined()
        {
            Require(AskResolvers("Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed") == null, "an assembly not shipped was answered");
        }

        // Raises AssemblyResolve exactly as the runtime would, through the module's registered handler, and
        // returns its answer. AppDomain.OnAssemblyResolveEvent is the runtime's own entry point on .NET
        // Framework and Mono alike.
        private static Assembly? AskResolvers(string name)
        {
            var domain = AppDomain.CurrentDomain;
            var field = typeof(AppDomain).GetField("AssemblyResolve", BindingFlags.Instance | BindingFlags.NonPublic)
                ?? typeof(AppDomain).GetField("_AssemblyResolve", BindingFlags.Instance | BindingFlags.NonPublic);
            var handlers = (field?.GetValue(domain) as ResolveEventHandler)?.GetInvocationList()
                ?? throw new InvalidOperationException("No AssemblyResolve handler is registered.");
            var moduleHandlers = handlers.Where(h => h.Method.DeclaringType?.Assembly.GetName().Name == "StsPowerShell").Cast<ResolveEventHandler>().ToArray();
            Require(moduleHandlers.Length == 1, $"expected one module resolver, found {moduleHandlers.Length}");
            return moduleHandlers[0](domain, new ResolveEventArgs(name));
        }

        /// <summary>What <paramref name="action"/> threw, or null.</summary>
        internal static Exception? Catch(Action action)
        {
            try
            {
                action();
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }

        private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

        internal static void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new InvalidOperationException(message);
            }
        }
    }
}
