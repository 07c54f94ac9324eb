using System.Collections.Generic;
using System.Text;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>
    /// The RFC 8693 §2.1 request body, application/x-www-form-urlencoded: empty fields omitted, audience and
    /// resource repeated, scopes space-joined, options sent as its JSON text encoded once.
    /// </summary>
    internal static class TokenExchangeFormBody
    {
        public static string Encode(TokenExchangeRequest request, ClientAuthentication? client)
        {
            var fields = new List<KeyValuePair<string, string?>>
            {
                Field("grant_type", request.GrantType),
            };
            foreach (var resource in request.Resources)
            {
                fields.Add(Field("resource", resource));
            }

            foreach (var audience in request.Audiences)
            {
                fields.Add(Field("audience", audience));
            }

            fields.Add(Field("scope", string.Join(" ", request.Scopes)));
            fields.Add(Field("requested_token_type", request.RequestedTokenType));
            fields.Add(Field("subject_token", request.SubjectToken));
            fields.Add(Field("subject_token_type", request.SubjectTokenType));
            fields.Add(Field("actor_token", request.ActorToken));
            fields.Add(Field("actor_token_type", request.ActorTokenType));
            fields.Add(Field("options", request.Options));
            if (client?.Method == ClientAuthenticationMethod.RequestBody)
            {
                fields.Add(Field("client_id", client.ClientId));
                fields.Add(Field("client_secret", client.ClientSecret));
            }

            var body = new StringBuilder();
            foreach (var field in fields)
            {
                if (string.IsNullOrEmpty(field.Value))
                {
                    continue;
                }

                if (body.Length > 0)
                {
                    body.Append('&');
                }

                body.Append(field.Key).Append('=').Append(FormUrlEncoding.Encode(field.Value!));
            }

            return body.ToString();
        }

        private static KeyValuePair<string, string?> Field(string name, string? value) => new KeyValuePair<string, string?>(name, value);
    }
}
