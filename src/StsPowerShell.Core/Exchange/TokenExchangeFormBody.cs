using System.Text;
using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>The application/x-www-form-urlencoded body of a token exchange (RFC 8693 §2.1), empty fields omitted.</summary>
    internal static class TokenExchangeFormBody
    {
        public static string Encode(TokenExchangeRequest request, ClientAuthentication? client)
        {
            var body = new StringBuilder(256 + request.SubjectToken.Length + (request.ActorToken?.Length ?? 0));
            foreach (var field in TokenExchangeField.All)
            {
                foreach (var value in field.ValuesOf(request))
                {
                    Append(body, field.WireName, value);
                }
            }

            if (client?.Method == ClientAuthenticationMethod.RequestBody)
            {
                Append(body, "client_id", client.ClientId);
                Append(body, "client_secret", client.ClientSecret);
            }

            return body.ToString();
        }

        private static void Append(StringBuilder body, string name, string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }

            body.Append(body.Length == 0 ? string.Empty : "&").Append(name).Append('=').Append(FormUrlEncoding.Encode(value!));
        }
    }
}
