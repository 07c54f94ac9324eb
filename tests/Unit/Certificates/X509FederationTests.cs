using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StsEmulator;
using StsEmulator.Tls;
using StsPowerShell.Core.Certificates;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Http;
using StsPowerShell.Tests.Support;

namespace StsPowerShell.Tests.Certificates;

/// <summary>
/// Issue 17: X.509 workload identity federation. The subject token as Google's libraries build it (compared byte
/// for byte with gcloud's bundled google-auth when it is installed), the refusals before any request, and exchanges
/// and impersonation over real mutual TLS against the emulator's X.509 pool provider.
/// </summary>
public sealed class X509FederationTests : IDisposable
{
    private readonly TestCertificates rsa = new();
    private readonly TestCertificates ecdsa = new(ecdsa: true);

    public void Dispose()
    {
        rsa.Dispose();
        ecdsa.Dispose();
    }

    private TestCertificates Set(bool useEcdsa) => useEcdsa ? ecdsa : rsa;

    private static string B64(X509Certificate2 c) => Convert.ToBase64String(c.RawData);

    [Fact]
    public void TheSubjectTokenIsTheLeafAloneWithoutAChain()
    {
        var token = WorkloadCertificate.Create(rsa.Leaf, Array.Empty<X509Certificate2>(), TestOptions.FixedNow, "Certificate").SubjectToken;
        Assert.Equal($"[\"{B64(rsa.Leaf)}\"]", token);
    }

    [Fact]
    public void AChainThatStartsWithTheLeafDoesNotRepeatIt()
    {
        var withLeaf = WorkloadCertificate.Create(rsa.Leaf, new[] { rsa.Leaf, rsa.Intermediate, rsa.Root }, TestOptions.FixedNow, "Certificate");
        var without = WorkloadCertificate.Create(rsa.Leaf, new[] { rsa.Intermediate, rsa.Root }, TestOptions.FixedNow, "Certificate");
        Assert.Equal($"[\"{B64(rsa.Leaf)}\", \"{B64(rsa.Intermediate)}\", \"{B64(rsa.Root)}\"]", withLeaf.SubjectToken);
        Assert.Equal(withLeaf.SubjectToken, without.SubjectToken);
        Assert.Equal(2, withLeaf.Chain.Count);
    }

    [Fact]
    public void TheLeafLaterInTheChainIsRefusedNamingTheChainParameter()
    {
        var e = Assert.Throws<CertificateUnusableException>(() => WorkloadCertificate.Create(rsa.Leaf, new[] { rsa.Intermediate, rsa.Leaf }, TestOptions.FixedNow, "Certificate", "CertificateChainFile"));
        Assert.Equal(CertificateProblem.ChainOrder, e.Problem);
        Assert.Equal("CertificateChainFile", e.ParamName);
        Assert.Contains("position 2", e.Message);
    }

    [Fact]
    public void ACertificateWithoutItsKeyIsRefused()
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(rsa.Leaf.RawData);
        var e = Assert.Throws<CertificateUnusableException>(() => WorkloadCertificate.Create(publicOnly, Array.Empty<X509Certificate2>(), TestOptions.FixedNow, "Certificate"));
        Assert.Equal(CertificateProblem.NoPrivateKey, e.Problem);
        Assert.Equal("Certificate", e.ParamName);
    }

    [Fact]
    public void AKeyTheAccountMayNotReadIsRefusedNamingTheAccountAndHowToGrantAccess()
    {
        var e = Assert.Throws<CertificateUnusableException>(() => WorkloadCertificate.Create(rsa.Leaf, Array.Empty<X509Certificate2>(), TestOptions.FixedNow, "CertificateThumbprint",
            openPrivateKey: _ => throw new CryptographicException("Keyset does not exist")));
        Assert.Equal(CertificateProblem.KeyNotReadable, e.Problem);
        Assert.Equal("CertificateThumbprint", e.ParamName);
        Assert.Contains(Environment.UserName, e.Message);
        Assert.Contains("Manage Private Keys", e.Message);
        Assert.Contains("Keyset does not exist", e.Message);
    }

    [Theory]
    [InlineData(400, CertificateProblem.Expired)]
    [InlineData(-31, CertificateProblem.NotYetValid)]
    public void ACertificateOutsideItsValidityIsRefusedAtTheGivenTime(int days, CertificateProblem problem)
    {
        var e = Assert.Throws<CertificateUnusableException>(() => WorkloadCertificate.Create(rsa.Leaf, Array.Empty<X509Certificate2>(), TestOptions.FixedNow.AddDays(days), "PfxFile"));
        Assert.Equal(problem, e.Problem);
        Assert.Equal("PfxFile", e.ParamName);
    }

    [Fact]
    public void PfxAndPemFilesLoadTheCertificateWithItsKey()
    {
        using var pfx = CertificateLoader.FromPfx(rsa.WritePfx("leaf.pfx", rsa.Leaf, "pfx-password"), "pfx-password", "PfxFile");
        using var pem = CertificateLoader.FromPem(rsa.WritePem("leaf.pem", rsa.Leaf), rsa.WriteKey("leaf.key", rsa.Leaf), "CertificateFile");
        Assert.True(pfx.HasPrivateKey);
        Assert.True(pem.HasPrivateKey);
        Assert.Equal(rsa.Leaf.Thumbprint, pfx.Thumbprint);
        Assert.Equal(rsa.Leaf.Thumbprint, pem.Thumbprint);
    }

    [Fact]
    public void AWrongPfxPasswordIsRefusedWithoutQuotingIt()
    {
        var e = Assert.Throws<CertificateUnusableException>(() => CertificateLoader.FromPfx(rsa.WritePfx("leaf.pfx", rsa.Leaf, "right-password"), "wrong-password-value", "PfxFile"));
        Assert.Equal("PfxFile", e.ParamName);
        Assert.DoesNotContain("wrong-password-value", e.ToString());
        Assert.DoesNotContain("right-password", e.ToString());
    }

    [Fact]
    public void AClientCertificateGetsAPooledClientOfItsOwn()
    {
        var route = StsPowerShell.Core.Http.Proxies.ProxySelector.Select(new Uri("https://127.0.0.1/"), new StsPowerShell.Core.Http.Proxies.ProxySettings(null, null, false, true), false);
        var shared = SharedHttpClient.For(route);
        var withCertificate = SharedHttpClient.For(route, null, rsa.Leaf);
        Assert.NotSame(shared, withCertificate);
        Assert.Same(withCertificate, SharedHttpClient.For(route, null, rsa.Leaf));
        using var publicOnly = X509CertificateLoader.LoadCertificate(rsa.Leaf.RawData);
        Assert.NotSame(withCertificate, SharedHttpClient.For(route, null, publicOnly));
        Assert.Same(shared, SharedHttpClient.For(route));
    }

    // google-auth's own code (identity_pool._X509Supplier, _mtls_helper._read_cert_file) computes the subject token
    // for the same files; the module's must be the same bytes.
    [Theory]
    [InlineData(false, "none")]
    [InlineData(false, "intermediate")]
    [InlineData(true, "leaf,intermediate,root")]
    [InlineData(true, "intermediate,root")]
    public void TheSubjectTokenEqualsGoogleAuthsForTheSameFiles(bool useEcdsa, string chainFile)
    {
        var google = GoogleAuthPython.Find();
        if (google == null)
        {
            // xunit 2 has no dynamic skip: without gcloud's google-auth there is nothing to compare with.
            return;
        }

        var set = Set(useEcdsa);
        var certificatePath = set.WritePem("leaf.pem", set.Leaf);
        var byName = new Dictionary<string, X509Certificate2> { ["leaf"] = set.Leaf, ["intermediate"] = set.Intermediate, ["root"] = set.Root };
        var chainPath = chainFile == "none" ? null : set.WritePem("chain.pem", chainFile.Split(',').Select(n => byName[n]).ToArray());

        var expected = google.SubjectToken(certificatePath, chainPath);
        using var leaf = CertificateLoader.FromPem(certificatePath, set.WriteKey("leaf.key", set.Leaf), "CertificateFile");
        var chain = chainPath == null ? Array.Empty<X509Certificate2>() : CertificateLoader.ReadChain(chainPath, "CertificateChainFile");
        Assert.Equal(expected, WorkloadCertificate.Create(leaf, chain, TestOptions.FixedNow, "CertificateFile").SubjectToken);
    }

    [Fact]
    public void GoogleAuthRefusesTheLeafLaterInTheChainAsTheModuleDoes()
    {
        var google = GoogleAuthPython.Find();
        if (google == null)
        {
            return;
        }

        var chainPath = rsa.WritePem("chain.pem", rsa.Intermediate, rsa.Leaf);
        Assert.Contains("The leaf certificate must be at the top of the trust chain file", google.SubjectToken(rsa.WritePem("leaf.pem", rsa.Leaf), chainPath));
        Assert.Throws<CertificateUnusableException>(() => WorkloadCertificate.Create(rsa.Leaf, CertificateLoader.ReadChain(chainPath, "CertificateChainFile"), TestOptions.FixedNow, "Certificate"));
    }

    [Fact]
    public void AStoreCertificateIsFoundBySha1OrSha256ThumbprintAndAKeylessCopyGetsItsKeyFromTheStore()
    {
        using var store = new CurrentUserStoreEntry(rsa.Leaf);
        var sha256 = Convert.ToHexString(SHA256.HashData(rsa.Leaf.RawData));
        var spaced = string.Join(" ", sha256.ToLowerInvariant().Chunk(2).Select(pair => new string(pair)));

        using var bySha256 = CertificateLoader.FromStore(spaced, StoreLocation.CurrentUser, "My", "CertificateThumbprint");
        using var bySha1 = CertificateLoader.FromStore(rsa.Leaf.Thumbprint.ToLowerInvariant(), StoreLocation.CurrentUser, "My", "CertificateThumbprint");
        Assert.Equal(rsa.Leaf.Thumbprint, bySha256.Thumbprint);
        Assert.Equal(rsa.Leaf.Thumbprint, bySha1.Thumbprint);
        Assert.True(CertificateLoader.HasThumbprint(rsa.Leaf, sha256, StoreLocation.CurrentUser, "CertificateThumbprint"));
        Assert.False(CertificateLoader.HasThumbprint(rsa.Leaf, new string('A', 64), StoreLocation.CurrentUser, "CertificateThumbprint"));

        using var keyless = X509CertificateLoader.LoadCertificate(rsa.Leaf.RawData);
        using var withKey = CertificateLoader.WithPrivateKey(keyless, StoreLocation.CurrentUser, "Certificate");
        Assert.True(withKey.HasPrivateKey);
        Assert.Equal(rsa.Leaf.Thumbprint, withKey.Thumbprint);
    }

    [Theory]
    [InlineData(false, "pfx", true)]
    [InlineData(true, "pem", true)]
    [InlineData(false, "pem", false)]
    [InlineData(true, "store", true)]
    [InlineData(false, "store", false)]
    [InlineData(true, "pfx", false)]
    public async Task AnExchangeAndImpersonationRunOverMutualTls(bool useEcdsa, string source, bool withIntermediate)
    {
        var set = Set(useEcdsa);
        var leafWithKey = withIntermediate ? set.Leaf : set.DirectLeaf;
        await using var emulator = await StartMutualTls(set.Root);
        using var store = source == "store" ? new CurrentUserStoreEntry(leafWithKey) : null;
        using var leaf = source switch
        {
            "pfx" => CertificateLoader.FromPfx(set.WritePfx("leaf.pfx", leafWithKey, null), null, "PfxFile"),
            "pem" => CertificateLoader.FromPem(set.WritePem("leaf.pem", leafWithKey), set.WriteKey("leaf.key", leafWithKey), "CertificateFile"),
            _ => CertificateLoader.FromStore(leafWithKey.Thumbprint, StoreLocation.CurrentUser, "My", "CertificateThumbprint"),
        };
        var chain = withIntermediate ? CertificateLoader.ReadChain(set.WritePem("chain.pem", set.Leaf, set.Intermediate), "CertificateChainFile") : Array.Empty<X509Certificate2>();
        var workload = WorkloadCertificate.Create(leaf, chain, TestOptions.FixedNow, "Certificate");

        var options = PinnedOptions(emulator);
        options.ClientCertificate = workload.Certificate;
        var federated = await Exchange(emulator, workload.SubjectToken, options);
        Assert.Equal(TokenTypes.AccessToken, federated.IssuedTokenType);

        var impersonated = await new IamCredentialsClient(new Uri(emulator.HttpsBaseUrl), options)
            .GenerateAccessTokenAsync(federated.Token, EmulatorState.DefaultServiceAccount, new[] { "cloud-platform" }, null, Array.Empty<string>());
        Assert.StartsWith("ya29.emulator.", impersonated.Token);
    }

    [Fact]
    public async Task TheFederatedTokenIsRefusedByIamCredentialsWithoutItsCertificate()
    {
        await using var emulator = await StartMutualTls(rsa.Root);
        var options = PinnedOptions(emulator);
        options.ClientCertificate = rsa.DirectLeaf;
        var federated = await Exchange(emulator, WorkloadCertificate.Create(rsa.DirectLeaf, Array.Empty<X509Certificate2>(), TestOptions.FixedNow, "Certificate").SubjectToken, options);

        var e = await Assert.ThrowsAsync<GoogleApiException>(() => new IamCredentialsClient(new Uri(emulator.HttpsBaseUrl), PinnedOptions(emulator))
            .GenerateAccessTokenAsync(federated.Token, EmulatorState.DefaultServiceAccount, new[] { "cloud-platform" }, null, Array.Empty<string>()));
        Assert.Equal("UNAUTHENTICATED", e.Status);
    }

    [Fact]
    public async Task ACertificateFromAnotherCaIsRefused()
    {
        using var otherRoot = TestCertificates.NewCa("CN=Other Root", null);
        await using var emulator = await StartMutualTls(otherRoot);
        var options = PinnedOptions(emulator);
        options.ClientCertificate = rsa.Leaf;
        var token = WorkloadCertificate.Create(rsa.Leaf, new[] { rsa.Intermediate }, TestOptions.FixedNow, "Certificate").SubjectToken;
        var e = await Assert.ThrowsAsync<StsOAuthException>(() => Exchange(emulator, token, options));
        Assert.Equal("invalid_grant", e.Error);
        Assert.Contains("does not validate", e.ErrorDescription);
    }

    [Fact]
    public async Task ASubjectTokenWhoseLeafIsNotTheTlsCertificateIsRefused()
    {
        await using var emulator = await StartMutualTls(rsa.Root);
        var options = PinnedOptions(emulator);
        options.ClientCertificate = rsa.DirectLeaf;
        var token = WorkloadCertificate.Create(rsa.Leaf, new[] { rsa.Intermediate }, TestOptions.FixedNow, "Certificate").SubjectToken;
        var e = await Assert.ThrowsAsync<StsOAuthException>(() => Exchange(emulator, token, options));
        Assert.Equal("invalid_grant", e.Error);
        Assert.Contains("does not match the client certificate", e.ErrorDescription);
    }

    [Fact]
    public async Task AnMtlsTokenWithoutAClientCertificateIsRefused()
    {
        await using var emulator = await StartMutualTls(rsa.Root);
        var token = WorkloadCertificate.Create(rsa.DirectLeaf, Array.Empty<X509Certificate2>(), TestOptions.FixedNow, "Certificate").SubjectToken;
        var e = await Assert.ThrowsAsync<StsOAuthException>(() => Exchange(emulator, token, PinnedOptions(emulator)));
        Assert.Contains("no client certificate was presented", e.ErrorDescription);
    }

    [Fact]
    public async Task AnExternalAccountFileWithACertificateSourceExchangesAndImpersonatesOverMutualTls()
    {
        await using var emulator = await StartMutualTls(ecdsa.Root);
        var certificateConfig = Path.Combine(ecdsa.Folder, "certificate_config.json");
        File.WriteAllText(certificateConfig, System.Text.Json.JsonSerializer.Serialize(new
        {
            cert_configs = new { workload = new { cert_path = ecdsa.WritePem("leaf.pem", ecdsa.Leaf), key_path = ecdsa.WriteKey("leaf.key", ecdsa.Leaf) } },
        }));
        var configuration = ExternalAccountConfiguration.Parse(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "external_account",
            ["audience"] = EmulatorState.X509Provider,
            ["subject_token_type"] = TokenTypes.Mtls,
            ["token_url"] = emulator.HttpsBaseUrl + "/v1/token",
            ["service_account_impersonation_url"] = $"{emulator.HttpsBaseUrl}/v1/projects/-/serviceAccounts/{EmulatorState.DefaultServiceAccount}:generateAccessToken",
            ["credential_source"] = new Dictionary<string, object>
            {
                ["certificate"] = new Dictionary<string, object> { ["use_default_certificate_config"] = true, ["trust_chain_path"] = ecdsa.WritePem("chain.pem", ecdsa.Intermediate) },
            },
        }), "wif.json");
        var environment = new Dictionary<string, string?> { [CertificateCredentialSource.ConfigurationVariable] = certificateConfig };
        var credential = new ExternalAccountCredential(configuration, new SubjectTokenContext(environment, PinnedOptions(emulator)));

        var token = await credential.GetAccessTokenAsync(new[] { "cloud-platform" }, TokenReuse.None, new TokenCache(() => TestOptions.FixedNow), CancellationToken.None);

        Assert.StartsWith("ya29.emulator.", token.Token);
        var exchange = emulator.State.Requests.Single(r => r.Path == "/v1/token");
        Assert.Contains("subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Amtls", exchange.Body);
    }

    [Fact]
    public void ACertificateSourceNeedsExactlyOneWayToFindItsConfiguration()
    {
        var both = Assert.Throws<ExternalAccountConfigurationException>(() => ParseCertificateSource("{\"use_default_certificate_config\": true, \"certificate_config_location\": \"/x.json\"}"));
        Assert.Contains("certificate_config_location", both.Message);
        var neither = Assert.Throws<ExternalAccountConfigurationException>(() => ParseCertificateSource("{\"trust_chain_path\": \"/chain.pem\"}"));
        Assert.Contains("use_default_certificate_config", neither.Message);
        Assert.IsType<CertificateCredentialSource>(ParseCertificateSource("{\"certificate_config_location\": \"/x.json\"}").CredentialSource);
    }

    [Fact]
    public void TheDefaultCertificateConfigurationIsLookedUpAsGoogleDocumentsIt()
    {
        var appData = Path.Combine(rsa.Folder, "AppData");
        var profile = Path.Combine(rsa.Folder, "Profile");
        Directory.CreateDirectory(Path.Combine(appData, "gcloud"));
        Directory.CreateDirectory(Path.Combine(profile, ".config", "gcloud"));
        var inProfile = Path.Combine(profile, ".config", "gcloud", "certificate_config.json");
        var inAppData = Path.Combine(appData, "gcloud", "certificate_config.json");
        File.WriteAllText(inProfile, "{}");
        var environment = new Dictionary<string, string?> { ["APPDATA"] = appData, ["USERPROFILE"] = profile, ["HOME"] = profile };
        var wasWindows = CertificateCredentialSource.IsWindows;
        try
        {
            CertificateCredentialSource.IsWindows = () => true;
            Assert.Equal(inProfile, CertificateCredentialSource.Locate(null, environment));
            File.WriteAllText(inAppData, "{}");
            Assert.Equal(inAppData, CertificateCredentialSource.Locate(null, environment));
            CertificateCredentialSource.IsWindows = () => false;
            Assert.Equal(inProfile, CertificateCredentialSource.Locate(null, environment));
            environment[CertificateCredentialSource.ConfigurationVariable] = "/from/variable.json";
            Assert.Equal("/from/variable.json", CertificateCredentialSource.Locate(null, environment));
            Assert.Equal("/explicit.json", CertificateCredentialSource.Locate("/explicit.json", environment));
            File.Delete(inProfile);
            environment.Remove(CertificateCredentialSource.ConfigurationVariable);
            CertificateCredentialSource.IsWindows = () => false;
            var e = Assert.Throws<SubjectTokenSourceException>(() => CertificateCredentialSource.Locate(null, environment));
            Assert.Contains(CertificateCredentialSource.ConfigurationVariable, e.Message);
        }
        finally
        {
            CertificateCredentialSource.IsWindows = wasWindows;
        }
    }

    private static ExternalAccountConfiguration ParseCertificateSource(string certificate) => ExternalAccountConfiguration.Parse(
        $"{{\"type\": \"external_account\", \"audience\": \"{EmulatorState.X509Provider}\", \"subject_token_type\": \"{TokenTypes.Mtls}\", \"credential_source\": {{\"certificate\": {certificate}}}}}", "wif.json");

    private static async Task<StsEmulatorHost> StartMutualTls(X509Certificate2 trustAnchor)
    {
        var emulator = await StsEmulatorHost.StartAsync(0, EmulatorTls.Create());
        emulator.State.Clock = () => TestOptions.FixedNow;
        emulator.State.X509TrustAnchors.Add(X509CertificateLoader.LoadCertificate(trustAnchor.RawData));
        return emulator;
    }

    // The emulator's server certificate is pinned, so the test process need not trust its CA.
    private static StsHttpOptions PinnedOptions(StsEmulatorHost emulator)
    {
        var options = new TestOptions().Create(maximumRetryCount: 0);
        options.ServerCertificateThumbprint = emulator.Tls!.ServerCertificate.Thumbprint;
        return options;
    }

    private static Task<IssuedToken> Exchange(StsEmulatorHost emulator, string subjectToken, StsHttpOptions options)
    {
        var operation = new TokenExchangeOperation(new Uri(emulator.HttpsBaseUrl + "/v1/token"), null, options);
        var builder = new TokenExchangeRequestBuilder { SubjectToken = subjectToken, SubjectTokenType = "mtls", RequestedTokenType = TokenTypes.AccessToken };
        builder.Audiences.Add(EmulatorState.X509Provider);
        builder.Scopes.Add("cloud-platform");
        return operation.ExchangeAsync(operation.Prepare(builder), TokenReuse.None, null, CancellationToken.None);
    }

    /// <summary>The certificate in the current user's My store (it exists on Linux too) for the test's duration.</summary>
    private sealed class CurrentUserStoreEntry : IDisposable
    {
        private readonly X509Certificate2 certificate;

        public CurrentUserStoreEntry(X509Certificate2 certificate)
        {
            // Through PKCS#12 so the stored key is exportable, as the Linux store requires.
            this.certificate = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable);
            using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
            store.Open(OpenFlags.ReadWrite);
            store.Add(this.certificate);
        }

        public void Dispose()
        {
            using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
            store.Open(OpenFlags.ReadWrite);
            store.Remove(certificate);
            certificate.Dispose();
        }
    }
}

/// <summary>google-auth as gcloud bundles it, run with gcloud's own Python (which has pyOpenSSL).</summary>
internal sealed class GoogleAuthPython
{
    private const string Script = """
        import sys
        sys.path.insert(0, sys.argv[1])
        from google.auth import identity_pool, exceptions
        from google.auth.transport import _mtls_helper
        chain = sys.argv[3] if len(sys.argv) > 3 else None
        try:
            sys.stdout.write(identity_pool._X509Supplier(chain, lambda: _mtls_helper._read_cert_file(sys.argv[2])).get_subject_token(None, None))
        except exceptions.RefreshError as e:
            sys.stdout.write("RefreshError: " + str(e))
        """;

    private readonly string python;
    private readonly string libraries;

    private GoogleAuthPython(string python, string libraries)
    {
        this.python = python;
        this.libraries = libraries;
    }

    /// <summary>gcloud's python and its third_party folder, or null when gcloud (or its google-auth) is not installed.</summary>
    public static GoogleAuthPython? Find()
    {
        foreach (var root in new[] { Environment.GetEnvironmentVariable("CLOUDSDK_ROOT_DIR"), "/usr/lib/google-cloud-sdk", "/usr/share/google-cloud-sdk", "/opt/google-cloud-sdk" })
        {
            if (string.IsNullOrEmpty(root))
            {
                continue;
            }

            var libraries = Path.Combine(root, "lib", "third_party");
            var python = Path.Combine(root, "platform", "bundledpythonunix", "bin", "python3");
            if (File.Exists(Path.Combine(libraries, "google", "auth", "identity_pool.py")) && File.Exists(python))
            {
                return new GoogleAuthPython(python, libraries);
            }
        }

        return null;
    }

    public string SubjectToken(string certificatePath, string? chainPath)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", Script, libraries, certificatePath }.Concat(chainPath == null ? Array.Empty<string>() : new[] { chainPath }))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"google-auth failed: {error}");
    }
}
