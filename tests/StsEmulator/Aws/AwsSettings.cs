using System.Collections.Concurrent;

namespace StsEmulator.Aws;

/// <summary>The emulated AWS side: the keys whose signatures the STS accepts, and what the metadata services serve.</summary>
public sealed class AwsSettings
{
    public const string AccessKeyId = "AKIAEMULATOREXAMPLE1";
    public const string SecretAccessKey = "emulator/Secret+Access/Key0000000000000";
    public const string TemporaryAccessKeyId = "ASIAEMULATOREXAMPLE2";
    public const string TemporarySecretAccessKey = "emulator/Temporary+Secret/Key000000000000";
    public const string SessionToken = "IQoJb3JpZ2luX2VjEMULATOR+session/token==";

    /// <summary>Access key id to (secret, session token required with it or null).</summary>
    public ConcurrentDictionary<string, (string Secret, string? SessionToken)> Keys { get; } = new()
    {
        [AccessKeyId] = (SecretAccessKey, null),
        [TemporaryAccessKeyId] = (TemporarySecretAccessKey, SessionToken),
    };

    /// <summary>How long a signed request stays acceptable, each way from the emulator's clock.</summary>
    public TimeSpan MaximumSignatureAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The status the IMDSv2 token PUT gets; 200 issues a session token, 403/404/405 force IMDSv1.</summary>
    public int ImdsTokenStatus { get; set; } = 200;

    /// <summary>Whether metadata GETs without a valid session token are refused (IMDSv2 required).</summary>
    public bool ImdsRequireSessionToken { get; set; } = true;

    public string ImdsRoleName { get; set; } = "emulator-role";

    public string? ImdsRegion { get; set; } = "us-west-2";

    public string ImdsAvailabilityZone { get; set; } = "us-west-2b";

    /// <summary>When the credentials served by the metadata services expire; null for one hour from now.</summary>
    public DateTimeOffset? CredentialsExpiration { get; set; }

    /// <summary>The Authorization value the container endpoint requires, or null for none.</summary>
    public string? ContainerAuthorizationToken { get; set; }

    public ConcurrentDictionary<string, DateTimeOffset> ImdsSessionTokens { get; } = new(StringComparer.Ordinal);
}
