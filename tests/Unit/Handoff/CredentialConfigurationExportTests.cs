using System.Text.Json;
using StsPowerShell.Core.Google;
using StsPowerShell.Core.Handoff;

namespace StsPowerShell.Tests.Handoff;

/// <summary>What an export writes: gcloud's fields, read back by the module's own parser; no secret; owner-only files.</summary>
public sealed class CredentialConfigurationExportTests : IDisposable
{
    private const string Workload = "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/providers/provider";
    private const string Workforce = "//iam.googleapis.com/locations/global/workforcePools/pool/providers/provider";
    private readonly string parent = Directory.CreateTempSubdirectory("sts-export-").FullName;

    public void Dispose() => Directory.Delete(parent, recursive: true);

    private static JsonElement Json(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    [Fact]
    public void AFileSourceHasGcloudsFieldsAndTheTokenInAFileOfItsOwn()
    {
        var export = CredentialConfigurationExport.WithSubjectTokenFile(parent, new CredentialConfigurationWriter(Workload), "header.payload.signature", "jwt", projectId: null);

        var json = Json(export.Path);
        Assert.Equal(new[] { "universe_domain", "type", "audience", "subject_token_type", "token_url", "credential_source", "token_info_url" }, json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("external_account", json.GetProperty("type").GetString());
        Assert.Equal("urn:ietf:params:oauth:token-type:jwt", json.GetProperty("subject_token_type").GetString());
        Assert.Equal("https://sts.googleapis.com/v1/introspect", json.GetProperty("token_info_url").GetString());
        var tokenFile = json.GetProperty("credential_source").GetProperty("file").GetString()!;
        Assert.Equal("header.payload.signature", File.ReadAllText(tokenFile));
        Assert.DoesNotContain("header.payload.signature", File.ReadAllText(export.Path));
        Assert.Equal(new[] { tokenFile, export.Path }, export.Files);

        var parsed = ExternalAccountConfiguration.Parse(File.ReadAllText(export.Path), export.Path);
        Assert.Equal(Workload, parsed.Audience);
        Assert.IsType<FileCredentialSource>(parsed.CredentialSource);
    }

    [Fact]
    public void ImpersonationReplacesTheTokenInfoUrlAndCarriesTheLifetime()
    {
        var writer = new CredentialConfigurationWriter(Workload) { ServiceAccount = "sa@p.iam.gserviceaccount.com", TokenLifetimeSeconds = 7200, IamCredentialsEndpoint = new Uri("http://127.0.0.1:9/") };
        var export = CredentialConfigurationExport.WithSource(parent, writer, "aws4_request", CredentialSourceJson.Aws1(new Uri("http://169.254.169.254"), imdsv2: true), projectId: "p");

        var json = Json(export.Path);
        Assert.False(json.TryGetProperty("token_info_url", out _));
        Assert.Equal("http://127.0.0.1:9/v1/projects/-/serviceAccounts/sa@p.iam.gserviceaccount.com:generateAccessToken", json.GetProperty("service_account_impersonation_url").GetString());
        Assert.Equal(7200, json.GetProperty("service_account_impersonation").GetProperty("token_lifetime_seconds").GetInt32());
        var source = json.GetProperty("credential_source");
        Assert.Equal("aws1", source.GetProperty("environment_id").GetString());
        Assert.Equal("http://169.254.169.254/latest/api/token", source.GetProperty("imdsv2_session_token_url").GetString());
        Assert.Contains(export.Variables, v => v.Name == "GOOGLE_CLOUD_PROJECT");
        var parsed = ExternalAccountConfiguration.Parse(File.ReadAllText(export.Path), export.Path);
        Assert.Equal(7200, parsed.TokenLifetimeSeconds);
        Assert.Equal("sa@p.iam.gserviceaccount.com", parsed.ServiceAccountEmail);
    }

    [Fact]
    public void AnExecutableSourceNamesItsScriptAndAllowsExecutables()
    {
        var export = CredentialConfigurationExport.WithExecutable(parent, new CredentialConfigurationWriter(Workforce) { WorkforcePoolUserProject = "billing" }, "jwt", new[] { "/usr/bin/pwsh", "-NoProfile", "-File" }, "script.ps1", "'script'", 30000, projectId: null);

        var json = Json(export.Path);
        Assert.Equal($"/usr/bin/pwsh -NoProfile -File {Path.Combine(export.Folder, "script.ps1").Replace('\\', '/')}", json.GetProperty("credential_source").GetProperty("executable").GetProperty("command").GetString());
        Assert.Equal("billing", json.GetProperty("workforce_pool_user_project").GetString());
        Assert.Contains(export.Variables, v => v.Name == "GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES");
        Assert.IsType<ExecutableCredentialSource>(ExternalAccountConfiguration.Parse(File.ReadAllText(export.Path), export.Path).CredentialSource);
    }

    [Theory]
    [InlineData(@"C:\Program Files\PowerShell\7\pwsh.exe")]
    [InlineData("pwsh 'quoted'")]
    [InlineData("")]
    public void ACommandPartWithSpacesOrQuotesIsRefused(string launcher)
    {
        var error = Assert.Throws<ArgumentException>(() => CredentialConfigurationExport.CommandLine(new[] { launcher, "-File", "/tmp/x.ps1" }));
        Assert.Equal("PowerShellPath", error.ParamName);
    }

    [Fact]
    public void BackslashesBecomeForwardSlashes()
    {
        Assert.Equal("C:/Windows/System32/WindowsPowerShell/v1.0/powershell.exe -File C:/Users/a/x.ps1", CredentialConfigurationExport.CommandLine(new[] { @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", "-File", @"C:\Users\a\x.ps1" }));
    }

    [Theory]
    [InlineData("my-provider", null, null, "Audience")]
    [InlineData(Workload, null, 1200, "TokenLifetimeSec")]
    [InlineData(Workload, "sa@p.iam.gserviceaccount.com", 300, "TokenLifetimeSec")]
    [InlineData(Workload, "not an account", null, "ServiceAccount")]
    public void FieldsThatCannotGoTogetherAreRefusedNamingTheParameter(string audience, string? serviceAccount, int? lifetime, string parameter)
    {
        var error = Assert.Throws<ArgumentException>(() => new CredentialConfigurationWriter(audience) { ServiceAccount = serviceAccount, TokenLifetimeSeconds = lifetime }.Write("jwt", CredentialSourceJson.File("/x")));
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void AWorkforceUserProjectNeedsAWorkforceProvider()
    {
        Assert.Equal("WorkforcePoolUserProject", Assert.Throws<ArgumentException>(() => new CredentialConfigurationWriter(Workload) { WorkforcePoolUserProject = "p" }.Write("jwt", CredentialSourceJson.File("/x"))).ParamName);
    }

    [Fact]
    public void FilesAndTheirFolderAreTheOwnersOnly()
    {
        var export = CredentialConfigurationExport.WithAccessToken(parent, "ya29.token", projectId: null);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(export.Path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(export.Folder));
        }

        Assert.True(Assert.Single(export.Variables, v => v.Name == "GOOGLE_OAUTH_ACCESS_TOKEN").IsSecret);
        Assert.Equal(new[] { export.Path, export.Folder }, CredentialConfigurationExport.Remove(export.Files, export.Folder));
        Assert.False(Directory.Exists(export.Folder));
    }

    [Fact]
    public void AFolderEveryUserMayRenameInIsRefusedAndOneWithTheStickyBitIsNot()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var open = Directory.CreateDirectory(Path.Combine(parent, "open")).FullName;
        File.SetUnixFileMode(open, (UnixFileMode)0x1FF);    // 0777
        var error = Assert.Throws<ArgumentException>(() => OwnerOnlyFiles.CreateFolder(open));
        Assert.Equal("Path", error.ParamName);
        Assert.Contains("sticky bit", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(open));

        File.SetUnixFileMode(open, (UnixFileMode)0x3FF);    // 1777, as /tmp
        var folder = OwnerOnlyFiles.CreateFolder(open);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
    }

    [Fact]
    public void TheExecutableResponseIsGooglesFormat()
    {
        var success = JsonDocument.Parse(ExecutableResponse.Success("a.b.c", "id_token", DateTimeOffset.FromUnixTimeSeconds(1800000000))).RootElement;
        Assert.Equal(1, success.GetProperty("version").GetInt32());
        Assert.True(success.GetProperty("success").GetBoolean());
        Assert.Equal("urn:ietf:params:oauth:token-type:id_token", success.GetProperty("token_type").GetString());
        Assert.Equal("a.b.c", success.GetProperty("id_token").GetString());
        Assert.Equal(1800000000, success.GetProperty("expiration_time").GetInt64());
        Assert.Equal("PHNhbWw+", JsonDocument.Parse(ExecutableResponse.Success("PHNhbWw+", "saml2", null)).RootElement.GetProperty("saml_response").GetString());

        var failure = JsonDocument.Parse(ExecutableResponse.Failure("IdTokenUnavailable.AzurePipelines", "SYSTEM_ACCESSTOKEN is not set")).RootElement;
        Assert.False(failure.GetProperty("success").GetBoolean());
        Assert.Equal("IdTokenUnavailable.AzurePipelines", failure.GetProperty("code").GetString());
        Assert.Equal("SubjectTokenType", Assert.Throws<ArgumentException>(() => ExecutableResponse.Success("ya29.x", "access_token", null)).ParamName);
    }
}
