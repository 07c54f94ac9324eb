using StsPowerShell.Core.Http;

namespace StsPowerShell.Core.Exchange
{
    /// <summary>The application/x-www-form-urlencoded body of a token exchange (RFC 8693 §2.1), empty fields omitted.</summary>
    internal static class TokenExchangeFormBody
    {
        /// <summary>The body as the bytes sent: measured, then written into an array of exactly that size.</summary>
        public static byte[] Encode(TokenExchangeRequest request, ClientAuthentication? client)
        {
            var body = new byte[Write(request, client, null)];
            Write(request, client, body);
            return body;
        }

        // One walk over the fields both measures (target null) and writes, so the two cannot disagree.
        private static int Write(TokenExchangeRequest request, ClientAuthentication? client, byte[]? target)
        {
            var length = 0;
            var fields = TokenExchangeField.All;
            for (var f = 0; f < fields.Count; f++)
            {
                var field = fields[f];
                if (!field.IsRepeated)
                {
                    length = Pair(target, length, field.WireName, field.SingleValueOf(request));
                    continue;
                }

                var values = field.RepeatedValuesOf(request);
                if (!field.IsSpaceSeparated)
                {
                    for (var v = 0; v < values.Count; v++)
                    {
                        length = Pair(target, length, field.WireName, values[v]);
                    }
                }
                else if (values.Count > 0)
                {
                    // The values joined with spaces, each space encoded as '+'.
                    length = Pair(target, length, field.WireName, values[0]);
                    for (var v = 1; v < values.Count; v++)
                    {
                        length = Byte(target, length, (byte)'+');
                        length = Value(target, length, values[v]);
                    }
                }
            }

            if (client?.Method == ClientAuthenticationMethod.RequestBody)
            {
                length = Pair(target, length, "client_id", client.ClientId);
                length = Pair(target, length, "client_secret", client.ClientSecret);
            }

            return length;
        }

        private static int Pair(byte[]? target, int offset, string name, string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return offset;
            }

            if (offset > 0)
            {
                offset = Byte(target, offset, (byte)'&');
            }

            offset = Value(target, offset, name);
            offset = Byte(target, offset, (byte)'=');
            return Value(target, offset, value!);
        }

        private static int Value(byte[]? target, int offset, string value) =>
            target == null ? offset + FormUrlEncoding.EncodedLength(value) : FormUrlEncoding.Write(value, target, offset);

        private static int Byte(byte[]? target, int offset, byte b)
        {
            if (target != null)
            {
                target[offset] = b;
            }

            return offset + 1;
        }
    }
}
