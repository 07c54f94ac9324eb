using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using StsPowerShell.Core.Exchange;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Google
{
    /// <summary>
    /// Writes an external_account credential configuration with the fields gcloud's
    /// <c>iam workload-identity-pools create-cred-config</c> writes, so gcloud, Terraform and Google's client libraries
    /// read it as their own. It names endpoints and where the subject token comes from, never a credential.
    /// </summary>
    public sealed class CredentialConfigurationWriter
    {
        /// <summary>Google's token introspection endpoint, which gcloud asks for the account's name.</summary>
        public const string DefaultTokenInfoEndpoint = "https://sts.googleapis.com/v1/introspect";

        /// <summary>AWS's instance metadata service, as gcloud names it for an aws1 source.</summary>
        public const string DefaultAwsMetadataEndpoint = "http://169.254.169.254";

        /// <summary>Starts a configuration for <paramref name="audience"/>.</summary>
        /// <exception cref="ArgumentException">Not a Google pool provider; names Audience.</exception>
        public CredentialConfigurationWriter(string audience)
        {
            Audience = audience?.Trim() ?? string.Empty;
            if (!GooglePoolProvider.IsWorkloadIdentityPoolProvider(Audience) && !GooglePoolProvider.IsWorkforcePoolProvider(Audience))
            {
                throw new ArgumentException($"{MessageText.Quote(audience)} is not a Google pool provider: expected //iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider> or //iam.googleapis.com/locations/global/workforcePools/<pool>/providers/<provider>.", "Audience");
            }
        }

        /// <summary>The pool provider.</summary>
        public string Audience { get; }

        /// <summary>token_url (Google's STS unless set).</summary>
        public Uri TokenUrl { get; set; } = new Uri(GoogleSts.DefaultTokenEndpoint);

        /// <summary>token_info_url, written when no service account is impersonated.</summary>
        public Uri TokenInfoUrl { get; set; } = new Uri(DefaultTokenInfoEndpoint);

        /// <summary>The service account to impersonate; none when null.</summary>
        public string? ServiceAccount { get; set; }

        /// <summary>The IAM Credentials API's base URL for impersonation.</summary>
        public Uri IamCredentialsEndpoint { get; set; } = new Uri(IamCredentialsClient.DefaultEndpoint);

        /// <summary>service_account_impersonation.token_lifetime_seconds; omitted (Google's 3600) when null.</summary>
        public int? TokenLifetimeSeconds { get; set; }

        /// <summary>workforce_pool_user_project, for workforce pools only.</summary>
        public string? WorkforcePoolUserProject { get; set; }

        /// <summary>universe_domain.</summary>
        public string UniverseDomain { get; set; } = "googleapis.com";

        /// <summary>The configuration as gcloud would write it, for a subject token of <paramref name="subjectTokenType"/> from <paramref name="source"/>.</summary>
        /// <exception cref="ArgumentException">A field that cannot go with the others; names the parameter.</exception>
        public string Write(string subjectTokenType, CredentialSourceJson source)
        {
            if (ServiceAccount != null)
            {
                IamCredentialsClient.CheckServiceAccount(ServiceAccount, "ServiceAccount");
            }
            else if (TokenLifetimeSeconds != null)
            {
                throw new ArgumentException("A token lifetime applies to an impersonated service account's token: give -ServiceAccount too.", "TokenLifetimeSec");
            }

            if (TokenLifetimeSeconds is int lifetime && (lifetime < 600 || lifetime > 43200))
            {
                throw new ArgumentException($"{lifetime} s is outside 600 to 43200 s, the lifetimes Google allows an impersonated token.", "TokenLifetimeSec");
            }

            if (WorkforcePoolUserProject != null && !GooglePoolProvider.IsWorkforcePoolProvider(Audience))
            {
                throw new ArgumentException("A workforce pool user project applies to workforce pool providers only.", "WorkforcePoolUserProject");
            }

            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                writer.WriteString("universe_domain", UniverseDomain);
                writer.WriteString("type", "external_account");
                writer.WriteString("audience", Audience);
                writer.WriteString("subject_token_type", TokenTypes.Resolve(subjectTokenType, "SubjectTokenType"));
                writer.WriteString("token_url", TokenUrl.AbsoluteUri);
                writer.WritePropertyName("credential_source");
                source.WriteTo(writer);
                if (ServiceAccount != null)
                {
                    writer.WriteString("service_account_impersonation_url", IamCredentialsEndpoint.AbsoluteUri.TrimEnd('/') + "/v1/projects/-/serviceAccounts/" + ServiceAccount + ":generateAccessToken");
                    if (TokenLifetimeSeconds is int seconds)
                    {
                        writer.WriteStartObject("service_account_impersonation");
                        writer.WriteNumber("token_lifetime_seconds", seconds);
                        writer.WriteEndObject();
                    }
                }
                else
                {
                    writer.WriteString("token_info_url", TokenInfoUrl.AbsoluteUri);
                }

                if (WorkforcePoolUserProject != null)
                {
                    writer.WriteString("workforce_pool_user_project", WorkforcePoolUserProject);
                }

                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
        }
    }

    /// <summary>The credential_source object of a configuration: where the consumer gets the subject token.</summary>
    public sealed class CredentialSourceJson
    {
        private readonly Action<Utf8JsonWriter> write;

        private CredentialSourceJson(string kind, Action<Utf8JsonWriter> write)
        {
            Kind = kind;
            this.write = write;
        }

        /// <summary>file, url, executable or aws1.</summary>
        public string Kind { get; }

        /// <summary>A file holding the token as text.</summary>
        public static CredentialSourceJson File(string path) => new CredentialSourceJson("file", w =>
        {
            w.WriteStartObject();
            w.WriteString("file", path);
            w.WriteStartObject("format");
            w.WriteString("type", "text");
            w.WriteEndObject();
            w.WriteEndObject();
        });

        /// <summary>A URL answering JSON, the token in <paramref name="field"/>, asked with <paramref name="headers"/>.</summary>
        public static CredentialSourceJson Url(Uri url, IReadOnlyDictionary<string, string> headers, string field) => new CredentialSourceJson("url", w =>
        {
            w.WriteStartObject();
            w.WriteString("url", url.AbsoluteUri);
            if (headers.Count > 0)
            {
                w.WriteStartObject("headers");
                foreach (var header in headers)
                {
                    w.WriteString(header.Key, header.Value);
                }

                w.WriteEndObject();
            }

            w.WriteStartObject("format");
            w.WriteString("type", "json");
            w.WriteString("subject_token_field_name", field);
            w.WriteEndObject();
            w.WriteEndObject();
        });

        /// <summary>A command printing Google's executable response; <paramref name="timeoutMillis"/> from 5000 to 120000.</summary>
        public static CredentialSourceJson Executable(string command, int timeoutMillis) => new CredentialSourceJson("executable", w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("executable");
            w.WriteString("command", command);
            w.WriteNumber("timeout_millis", timeoutMillis);
            w.WriteEndObject();
            w.WriteEndObject();
        });

        /// <summary>AWS's instance metadata at <paramref name="metadataEndpoint"/>, as gcloud writes it (IMDSv2 when asked).</summary>
        public static CredentialSourceJson Aws1(Uri metadataEndpoint, bool imdsv2) => new CredentialSourceJson("aws1", w =>
        {
            var root = metadataEndpoint.AbsoluteUri.TrimEnd('/');
            w.WriteStartObject();
            w.WriteString("environment_id", "aws1");
            w.WriteString("region_url", root + "/latest/meta-data/placement/availability-zone");
            w.WriteString("url", root + "/latest/meta-data/iam/security-credentials");
            w.WriteString("regional_cred_verification_url", "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15");
            if (imdsv2)
            {
                w.WriteString("imdsv2_session_token_url", root + "/latest/api/token");
            }

            w.WriteEndObject();
        });

        /// <summary>
        /// A client certificate, as gcloud writes it for X.509 federation: the certificate configuration at
        /// <paramref name="configurationLocation"/>, or Google's default one when null; <paramref name="trustChainPath"/> optional.
        /// </summary>
        public static CredentialSourceJson Certificate(string? configurationLocation, string? trustChainPath) => new CredentialSourceJson("certificate", w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("certificate");
            if (configurationLocation == null)
            {
                w.WriteBoolean("use_default_certificate_config", true);
            }
            else
            {
                w.WriteString("certificate_config_location", configurationLocation);
            }

            if (trustChainPath != null)
            {
                w.WriteString("trust_chain_path", trustChainPath);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });

        internal void WriteTo(Utf8JsonWriter writer) => write(writer);
    }

    /// <summary>Google's executable-response JSON, which an executable credential source prints.</summary>
    public static class ExecutableResponse
    {
        /// <summary>A successful response carrying <paramref name="token"/> of <paramref name="tokenType"/>, valid until <paramref name="expiresOn"/>.</summary>
        /// <exception cref="ArgumentException">A token type an executable cannot answer with (only jwt, id_token and saml2); names SubjectTokenType.</exception>
        public static string Success(string token, string tokenType, DateTimeOffset? expiresOn)
        {
            var type = TokenTypes.Resolve(tokenType, "SubjectTokenType");
            if (type != TokenTypes.Jwt && type != TokenTypes.IdToken && type != TokenTypes.Saml2)
            {
                throw new ArgumentException($"An executable answers with a jwt, id_token or saml2 token, not {type}.", "SubjectTokenType");
            }

            return Write(w =>
            {
                w.WriteBoolean("success", true);
                w.WriteString("token_type", type);
                w.WriteString(type == TokenTypes.Saml2 ? "saml_response" : "id_token", token);
                if (expiresOn is DateTimeOffset expiry)
                {
                    w.WriteNumber("expiration_time", expiry.ToUnixTimeSeconds());
                }
            });
        }

        /// <summary>A failed response: <paramref name="code"/> and <paramref name="message"/> are what Google's tools report.</summary>
        public static string Failure(string code, string message) => Write(w =>
        {
            w.WriteBoolean("success", false);
            w.WriteString("code", code);
            w.WriteString("message", message);
        });

        private static string Write(Action<Utf8JsonWriter> body)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                writer.WriteNumber("version", 1);
                body(writer);
                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }
    }
}
