using System;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>How the client's credentials travel (RFC 6749 §2.3.1).</summary>
    public enum ClientAuthenticationMethod
    {
        /// <summary>The HTTP Basic scheme, id and secret form-url-encoded first.</summary>
        Basic,

        /// <summary><c>client_id</c> and <c>client_secret</c> in the request body.</summary>
        RequestBody,
    }

    /// <summary>OAuth client credentials for the token endpoint.</summary>
    public sealed class ClientAuthentication
    {
        /// <summary>Creates client credentials.</summary>
        /// <exception cref="ArgumentException">The client id is empty.</exception>
        public ClientAuthentication(string clientId, string? clientSecret, ClientAuthenticationMethod method = ClientAuthenticationMethod.Basic)
        {
            if (string.IsNullOrEmpty(clientId))
            {
                throw new ArgumentException("A client id is required for client authentication.", nameof(clientId));
            }

            ClientId = clientId;
            ClientSecret = clientSecret;
            Method = method;
        }

        /// <summary>The client identifier.</summary>
        public string ClientId { get; }

        /// <summary>The client secret; may be empty for public clients.</summary>
        public string? ClientSecret { get; }

        /// <summary>How the credentials are sent.</summary>
        public ClientAuthenticationMethod Method { get; }

        /// <summary>Never reveals the secret.</summary>
        public override string ToString() => $"ClientAuthentication({ClientId}, {Method})";
    }
}
