using System;
using System.Collections.Generic;
using System.Diagnostics;
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
        /// <summary>The flows that need System.Text.Json; each must fail when the resolver is not registered.</summary>
        public const int FlowCount = 8;

        private const string AwsAccessKeyId = "AKIAEMULATOREXAMPLE1";          // tests/StsEmulator/Aws/AwsSettings.cs
        private const string AwsSecretAccessKey = "emulator/Secret+Access/Key0000000000000";

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
                checks.Run("external_account file, file source", () => ExternalAccountFile(emulator, folder));
                checks.Run("external_account file, url source (json format)", () => ExternalAccountUrl(emulator, folder));
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

        private static void Timeout(Emulator emulator)
        {
            var jwt = emulator.MintJwt(emulator.WorkloadProvider);
            emulator.DelayNextRequest(10000);
            var clock = Stopwatch.StartNew();
            var error = Catch(() => Exchange(emulator, jwt, TokenTypes.Jwt, Options(TimeSpan.FromSeconds(1))));
            Require(error != null, "the exchange succeeded despite a 10 s stall and a 1 s timeout");
            Require(!(error is FileNotFoundException || error is FileLoadException || error is TypeLoadException), "failed to load: " + error!.Message);
            Require(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalSeconds:0.0} s with a 1 s timeout ({error.GetType().Name}: {error.Message})");
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

        private static IssuedToken FromConfiguration(string path)
        {
            var configuration = ExternalAccountConfiguration.Load(path);
            var context = new SubjectTokenContext(new Dictionary<string, string?>(), Options());
            var credential = new ExternalAccountCredential(configuration, context);
            return credential.GetAccessTokenAsync(new[] { "cloud-platform" }, TokenReuse.None, new TokenCache(() => DateTimeOffset.UtcNow), CancellationToken.None).GetAwaiter().GetResult();
        }

        private static string WriteConfiguration(Emulator emulator, string folder, string credentialSource, string extra = "")
        {
            var path = Path.Combine(folder, "config-" + Guid.NewGuid().ToString("N") + ".json");
            File.WriteAllText(path,
                "{\"type\":\"external_account\",\"audience\":" + Quote(emulator.WorkloadProvider) +
                ",\"subject_token_type\":\"urn:ietf:params:oauth:token-type:jwt\",\"token_url\":" + Quote(emulator.TokenEndpoint) +
                ",\"credential_source\":" + credentialSource + extra + "}");
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

        private static Exception? Catch(Action action)
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

        private static void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new InvalidOperationException(message);
            }
        }
    }
}
