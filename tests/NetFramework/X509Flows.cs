using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Reflection;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using StsPowerShell.Core.Certificates;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;

namespace StsPowerShell.NetFramework
{
    /// <summary>
    /// X.509 workload identity federation as a Windows server with a machine certificate runs it: a PFX made at run
    /// time, loaded with CertificateLoader.FromPfx, checked by WorkloadCertificate.Create, presented in mutual TLS to the
    /// emulator's HTTPS token endpoint with its chain as the mtls subject token, then again to IAM Credentials. This
    /// process alone trusts the emulator's test CA (<see cref="TrustEmulatorCa"/>); the core's validation stays on.
    /// What Mono cannot do is reported as a skip naming Mono's own failure, never as a pass.
    /// </summary>
    internal static class X509Flows
    {
        private const string PfxPassword = "pfx-password";

        // Mono 6.8 matches the host only against the DNS names of the server certificate's subjectAltName, so its IP
        // entry 127.0.0.1 is a name mismatch there. localhost is another of its names and resolves without DNS.
        private const string HttpsHost = "localhost";

        private static bool IsMono => Type.GetType("Mono.Runtime") != null;

        public static void Run(Checks checks, Emulator emulator)
        {
            var folder = Path.Combine(Path.GetTempPath(), "sts-netframework-x509-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                var maker = CertificateMaker.Find(folder);
                if (maker == null)
                {
                    checks.Skip("X.509 federation over mutual TLS", "this runtime has no CertificateRequest (Mono 6.8 lacks it) and openssl is not on PATH, so no certificate can be made");
                    return;
                }

                var https = new UriBuilder(emulator.HttpsBaseUrl) { Host = HttpsHost }.Uri;
                Certificates? made = null;
                checks.Run($"X.509: PFX files made at run time ({maker.Name}) load with CertificateLoader.FromPfx and their keys open", () =>
                {
                    made = Certificates.Make(maker, emulator);
                    return made.Describe();
                });
                if (made == null)
                {
                    return;
                }

                checks.Run("X.509: TLS to the emulator fails until this process trusts its test CA, then succeeds", () => TlsTrust(emulator, https));
                checks.Run("X.509: mTLS exchange and impersonation, RSA certificate without extensions", () => MutualTls(emulator, https, made.Plain));
                checks.Run("X.509: mTLS exchange and impersonation, RSA certificate with client-authentication EKU and key usage (as machine certificates have)", () => MonoMayNotPresent(emulator, https, made.MachineLike));
                checks.Run("X.509: mTLS exchange and impersonation, ECDSA P-256 certificate without extensions", () => MonoMayNotOpenKey(emulator, https, made.Ecdsa));
                checks.Run("X.509: a certificate the X.509 provider does not trust is refused by the emulator", () => Untrusted(emulator, https, made.Untrusted));
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }

        private static StsHttpOptions Options(X509Certificate2? certificate = null)
        {
            var options = new StsHttpOptions { Timeout = TimeSpan.FromSeconds(30), ClientCertificate = certificate };
            options.Retry.MaximumRetryCount = 0;
            return options;
        }

        private static Uri TokenEndpoint(Uri https) => new Uri(https, "/v1/token");

        private static IssuedToken Exchange(Emulator emulator, Uri https, string subjectToken, string subjectTokenType, string audience, StsHttpOptions options)
        {
            var operation = new TokenExchangeOperation(TokenEndpoint(https), null, options);
            var builder = new TokenExchangeRequestBuilder { SubjectToken = subjectToken, SubjectTokenType = subjectTokenType, RequestedTokenType = TokenTypes.AccessToken };
            builder.Audiences.Add(audience);
            builder.Scopes.Add("cloud-platform");
            return operation.ExchangeAsync(operation.Prepare(builder), TokenReuse.None, null, CancellationToken.None).GetAwaiter().GetResult();
        }

        // The refusal first: it shows the core validates the emulator's certificate and that nothing here trusted it yet.
        private static string TlsTrust(Emulator emulator, Uri https)
        {
            var jwt = emulator.MintJwt(emulator.WorkloadProvider);
            var refused = Flows.Catch(() => Exchange(emulator, https, jwt, TokenTypes.Jwt, emulator.WorkloadProvider, Options()));
            Flows.Require(refused != null, "an exchange over HTTPS succeeded before the emulator's test CA was trusted: the server certificate was not validated");
            Flows.Require(IsTlsTrustFailure(refused!), "expected a TLS trust failure, got " + refused!.GetType().Name + ": " + refused.Message);

            var mechanism = TrustEmulatorCa(new X509Certificate2(File.ReadAllBytes(emulator.TlsCaFile)));
            var token = Exchange(emulator, https, jwt, TokenTypes.Jwt, emulator.WorkloadProvider, Options());
            Flows.Require(token.Token.Length > 0, "empty token");
            return "trusted through " + mechanism;
        }

        private static bool IsTlsTrustFailure(Exception error)
        {
            for (var e = error; e != null; e = e.InnerException)
            {
                if (e is AuthenticationException || e is WebException web && web.Status == WebExceptionStatus.TrustFailure)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Makes this process, and only it, trust <paramref name="ca"/> for TLS, as a Windows server trusts the CA of its
        /// machine store: chains must still end in that CA and the host name must still match.
        /// </summary>
        private static string TrustEmulatorCa(X509Certificate2 ca)
        {
            // Mono's HttpClientHandler is corefx's SocketsHttpHandler, which never asks ServicePointManager; its TLS
            // stack takes trust anchors for the process from MonoTlsSettings.DefaultSettings (then only these are trusted).
            var monoSettings = Type.GetType("Mono.Security.Interface.MonoTlsSettings, Mono.Security, Version=4.0.0.0, Culture=neutral, PublicKeyToken=0738eb9f132ed756");
            if (monoSettings != null)
            {
                var settings = monoSettings.GetProperty("DefaultSettings", BindingFlags.Public | BindingFlags.Static)!.GetValue(null);
                monoSettings.GetProperty("TrustAnchors")!.SetValue(settings, new X509CertificateCollection { ca });
                return "MonoTlsSettings.DefaultSettings.TrustAnchors (Mono; ServicePointManager is not asked by its HttpClientHandler)";
            }

            // .NET Framework's HttpClientHandler is HttpWebRequest, which asks ServicePointManager when the handler
            // has no callback of its own (the core sets one only to pin a thumbprint).
            ServicePointManager.ServerCertificateValidationCallback = (sender, certificate, chain, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None
                || errors == System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors && certificate != null && EndsIn(new X509Certificate2(certificate), ca);
            return "ServicePointManager.ServerCertificateValidationCallback";
        }

        // The chain is whole and valid except that its root, exactly the emulator's CA, is not in the machine's store.
        private static bool EndsIn(X509Certificate2 certificate, X509Certificate2 ca)
        {
            using (var chain = new X509Chain())
            {
                chain.ChainPolicy.ExtraStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
                return chain.Build(certificate)
                    && chain.ChainElements[chain.ChainElements.Count - 1].Certificate.RawData.SequenceEqual(ca.RawData)
                    && chain.ChainStatus.All(s => s.Status == X509ChainStatusFlags.NoError || s.Status == X509ChainStatusFlags.UntrustedRoot);
            }
        }

        // What Invoke-StsTokenExchange -PfxFile and New-GoogleServiceAccountAccessToken do with the token it wrote.
        private static string MutualTls(Emulator emulator, Uri https, string pfx)
        {
            var leaf = CertificateLoader.FromPfx(pfx, PfxPassword, "PfxFile");
            var workload = WorkloadCertificate.Create(leaf, new X509Certificate2[0], DateTimeOffset.UtcNow, "PfxFile");
            var options = Options(workload.Certificate);
            var federated = Exchange(emulator, https, workload.SubjectToken, TokenTypes.Mtls, emulator.X509Provider, options);
            Flows.Require(federated.Token.Length > 0 && federated.IssuedTokenType == TokenTypes.AccessToken, "no federated access token");

            var impersonated = new IamCredentialsClient(https, options)
                .GenerateAccessTokenAsync(federated.Token, emulator.ServiceAccount, new[] { "cloud-platform" }, null, new string[0], CancellationToken.None).GetAwaiter().GetResult();
            Flows.Require(impersonated.Token.Length > 0 && impersonated.Token != federated.Token, "no service-account token");

            // The emulator binds the federated token to the certificate: without it, IAM Credentials refuses, which
            // shows the certificate really went over TLS.
            var unbound = Flows.Catch(() => new IamCredentialsClient(https, Options())
                .GenerateAccessTokenAsync(federated.Token, emulator.ServiceAccount, new[] { "cloud-platform" }, null, new string[0], CancellationToken.None).GetAwaiter().GetResult());
            Flows.Require(unbound is StsException && unbound.Message.IndexOf("client certificate", StringComparison.OrdinalIgnoreCase) >= 0,
                "IAM Credentials without the certificate: " + (unbound == null ? "success" : unbound.GetType().Name + ": " + unbound.Message));
            return $"{(leaf.PublicKey.Oid.Value == "1.2.840.10045.2.1" ? "ECDSA" : "RSA")} key, thumbprint {leaf.Thumbprint}";
        }

        private static string Untrusted(Emulator emulator, Uri https, string pfx)
        {
            var leaf = CertificateLoader.FromPfx(pfx, PfxPassword, "PfxFile");
            var workload = WorkloadCertificate.Create(leaf, new X509Certificate2[0], DateTimeOffset.UtcNow, "PfxFile");
            var refused = Flows.Catch(() => Exchange(emulator, https, workload.SubjectToken, TokenTypes.Mtls, emulator.X509Provider, Options(workload.Certificate)));
            Flows.Require(refused is StsOAuthException oauth && oauth.Error == "invalid_grant" && oauth.Message.IndexOf("trust store", StringComparison.Ordinal) >= 0,
                "expected invalid_grant naming the provider's trust store, got " + (refused == null ? "success" : refused.GetType().Name + ": " + refused.Message));
            return "invalid_grant";
        }

        // Mono 6.8's HttpClientHandler (corefx's SocketsHttpHandler) offers a client certificate only when its
        // CertificateHelper.GetEligibleClientCertificate picks it, and that asks X509Certificate2Collection.Find(
        // FindByApplicationPolicy, client authentication), which in Mono matches no certificate that has extensions.
        // The flow still runs; only that exact refusal is a skip.
        private static string MonoMayNotPresent(Emulator emulator, Uri https, string pfx)
        {
            try
            {
                return MutualTls(emulator, https, pfx);
            }
            catch (StsOAuthException e) when (e.Message.IndexOf("no client certificate was presented", StringComparison.Ordinal) >= 0
                && MonoEligibleClientCertificate(CertificateLoader.FromPfx(pfx, PfxPassword, "PfxFile")) == false)
            {
                throw new SkipException("Mono's HttpClientHandler did not present the certificate: its CertificateHelper.GetEligibleClientCertificate returns null for it, because Mono's X509Certificate2Collection.Find(FindByApplicationPolicy, \"1.3.6.1.5.5.7.3.2\") finds no certificate with extensions. The emulator answered: " + e.Message);
            }
        }

        // Mono reads no ECDSA private key from a PKCS#12 file, so the core refuses the certificate as one whose key
        // cannot be used, as it should; that exact refusal is a skip there.
        private static string MonoMayNotOpenKey(Emulator emulator, Uri https, string pfx)
        {
            try
            {
                return MutualTls(emulator, https, pfx);
            }
            catch (CertificateUnusableException e) when (IsMono && e.Problem == CertificateProblem.KeyNotReadable && e.InnerException?.Message.IndexOf("MonoBtlsKey", StringComparison.Ordinal) >= 0)
            {
                throw new SkipException("Mono cannot open an ECDSA private key imported from PKCS#12 (" + e.InnerException!.GetType().Name + ": " + e.InnerException.Message + "), so WorkloadCertificate.Create refuses the certificate as KeyNotReadable");
            }
        }

        // Mono's own choice among the handler's client certificates; null off Mono.
        private static bool? MonoEligibleClientCertificate(X509Certificate2 certificate)
        {
            if (!IsMono)
            {
                return null;
            }

            var helper = typeof(System.Net.Security.SslStream).Assembly.GetType("System.Net.Security.CertificateHelper");
            var choose = helper?.GetMethod("GetEligibleClientCertificate", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public, null, new[] { typeof(X509CertificateCollection) }, null);
            return choose == null ? (bool?)null : choose.Invoke(null, new object[] { new X509CertificateCollection { certificate } }) != null;
        }

        /// <summary>The PFX files of a run; all but <see cref="Untrusted"/> are trust anchors of the emulator's X.509 provider.</summary>
        private sealed class Certificates
        {
            private string flags = string.Empty;

            public string Plain { get; private set; } = string.Empty;

            public string MachineLike { get; private set; } = string.Empty;

            public string Ecdsa { get; private set; } = string.Empty;

            public string Untrusted { get; private set; } = string.Empty;

            public static Certificates Make(CertificateMaker maker, Emulator emulator)
            {
                var made = new Certificates
                {
                    Plain = maker.Make("plain", "CN=plain.workload.example", ecdsa: false, machineLike: false),
                    MachineLike = maker.Make("machine", "CN=machine.workload.example", ecdsa: false, machineLike: true),
                    Ecdsa = maker.Make("ecdsa", "CN=ecdsa.workload.example", ecdsa: true, machineLike: false),
                    Untrusted = maker.Make("stranger", "CN=stranger.example", ecdsa: false, machineLike: false),
                };
                foreach (var pfx in new[] { made.Plain, made.MachineLike, made.Ecdsa })
                {
                    emulator.TrustX509(maker.CertificatePem(pfx));
                }

                // Each RSA PFX through the core, as -PfxFile reads it; Create opens the key as TLS will.
                foreach (var pfx in new[] { made.Plain, made.MachineLike, made.Untrusted })
                {
                    var leaf = CertificateLoader.FromPfx(pfx, PfxPassword, "PfxFile");
                    Flows.Require(leaf.HasPrivateKey, pfx + " loaded without its key");
                    var workload = WorkloadCertificate.Create(leaf, new X509Certificate2[0], DateTimeOffset.UtcNow, "PfxFile");
                    Flows.Require(workload.SubjectToken == "[\"" + Convert.ToBase64String(leaf.RawData) + "\"]", "unexpected subject token " + workload.SubjectToken);
                }

                var wrong = Flows.Catch(() => CertificateLoader.FromPfx(made.Plain, "not-the-password", "PfxFile"));
                Flows.Require(wrong is CertificateUnusableException && wrong.Message.IndexOf("not-the-password", StringComparison.Ordinal) < 0, "a wrong password: " + (wrong == null ? "loaded" : wrong.GetType().Name + ": " + wrong.Message));

                // What FromPfx asks of the runtime: on Mono it accepts the flag EphemeralKeySet (32) and keeps the key in memory.
                made.flags = System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows)
                    ? "imported with DefaultKeySet"
                    : "imported with EphemeralKeySet (32)";
                return made;
            }

            public string Describe() => $"3 RSA certificates {flags}, 1 ECDSA, 3 trusted by the emulator's X.509 provider";
        }

        /// <summary>Makes self-signed certificates with their keys as PFX files: CertificateRequest where the runtime has it (.NET Framework 4.7.2), else openssl.</summary>
        private abstract class CertificateMaker
        {
            protected CertificateMaker(string folder) => Folder = folder;

            public abstract string Name { get; }

            protected string Folder { get; }

            public static CertificateMaker? Find(string folder)
            {
                if (FrameworkMaker.Available())
                {
                    return new FrameworkMaker(folder);
                }

                return OpensslMaker.Available() ? new OpensslMaker(folder) : null;
            }

            /// <summary>The PFX path of a new self-signed certificate valid for a day (its PEM beside it, .crt); machineLike adds what AD CS machine templates carry.</summary>
            public abstract string Make(string file, string subject, bool ecdsa, bool machineLike);

            public string CertificatePem(string pfx) => File.ReadAllText(Path.ChangeExtension(pfx, ".crt"));

            protected static string Pem(byte[] der) =>
                "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks) + "\n-----END CERTIFICATE-----\n";
        }

        private sealed class FrameworkMaker : CertificateMaker
        {
            public FrameworkMaker(string folder)
                : base(folder)
            {
            }

            public override string Name => "CertificateRequest";

            // Mono 6.8 has no CertificateRequest: System.Core there lacks the type, so the method naming it cannot be compiled.
            public static bool Available()
            {
                try
                {
                    return Probe();
                }
                catch (TypeLoadException)
                {
                    return false;
                }
            }

            public override string Make(string file, string subject, bool ecdsa, bool machineLike) => Create(Path.Combine(Folder, file), subject, ecdsa, machineLike);

            [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
            private static bool Probe() => typeof(CertificateRequest) != null;

            [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
            private static string Create(string path, string subject, bool ecdsa, bool machineLike)
            {
                using (var rsa = ecdsa ? null : RSA.Create())
                using (var ec = ecdsa ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : null)
                {
                    if (rsa != null)
                    {
                        rsa.KeySize = 2048;
                    }

                    var request = rsa != null
                        ? new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                        : new CertificateRequest(subject, ec!, HashAlgorithmName.SHA256);
                    if (machineLike)
                    {
                        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
                        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
                        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") }, false));
                    }

                    using (var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1)))
                    {
                        File.WriteAllBytes(path + ".pfx", certificate.Export(X509ContentType.Pfx, PfxPassword));
                        File.WriteAllText(path + ".crt", Pem(certificate.RawData));
                    }
                }

                return path + ".pfx";
            }
        }

        private sealed class OpensslMaker : CertificateMaker
        {
            private string? rsaKey;

            public OpensslMaker(string folder)
                : base(folder)
            {
            }

            public override string Name => "openssl";

            public static bool Available()
            {
                try
                {
                    Run("version");
                    return true;
                }
                catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException)
                {
                    return false;
                }
            }

            // One RSA key for every RSA certificate: making keys is the slow part, and the certificates still differ.
            // No extensions unless machineLike (OpenSSL 3 adds key identifiers unless told none); PBE-SHA1-3DES because Mono cannot
            // read OpenSSL 3's default AES-256 PKCS#12 ("Unable to decode certificate."), nor can Windows before 1709.
            public override string Make(string file, string subject, bool ecdsa, bool machineLike)
            {
                var path = Path.Combine(Folder, file);
                string key;
                if (ecdsa)
                {
                    key = path + ".key";
                    Run($"genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out \"{key}\"");
                }
                else
                {
                    key = rsaKey ??= Path.Combine(Folder, "rsa.key");
                    if (!File.Exists(key))
                    {
                        Run($"genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out \"{key}\"");
                    }
                }

                var config = Path.Combine(Folder, file + ".cnf");
                File.WriteAllText(config, "[req]\ndistinguished_name=dn\n[dn]\n[plain]\nsubjectKeyIdentifier=none\nauthorityKeyIdentifier=none\n[machine]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n");
                Run($"req -new -x509 -key \"{key}\" -subj \"/{subject.Replace(", ", "/")}\" -days 1 -config \"{config}\" -extensions {(machineLike ? "machine" : "plain")} -out \"{path}.crt\"");
                Run($"pkcs12 -export -in \"{path}.crt\" -inkey \"{key}\" -out \"{path}.pfx\" -passout pass:{PfxPassword} -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1");
                return path + ".pfx";
            }

            private static void Run(string arguments)
            {
                var startInfo = new ProcessStartInfo("openssl", arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                using (var process = Process.Start(startInfo)!)
                {
                    var error = process.StandardError.ReadToEndAsync();
                    process.StandardOutput.ReadToEnd();
                    if (!process.WaitForExit(30000) || process.ExitCode != 0)
                    {
                        throw new InvalidOperationException($"openssl {arguments.Split(' ')[0]} failed: {error.Result.Trim()}");
                    }
                }
            }
        }
    }
}
