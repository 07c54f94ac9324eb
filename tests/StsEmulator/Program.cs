using StsEmulator;
using StsEmulator.Tls;

// dotnet run --project tests/StsEmulator [-- --port N] [--exit-on-stdin-close] [--https [--tls-names a,b] [--tls-ca-file path]]
// Prints one line of JSON when it is listening, so a script can read the address and wait on nothing else.
// --https also listens with HTTPS on a second free port of 127.0.0.1, with a server certificate for --tls-names
// (default sts.test,localhost,127.0.0.1,::1) issued by a CA made at start, written as PEM to --tls-ca-file (or a
// temporary folder); the JSON line then has httpsBaseUrl, httpsPort, tlsCaFile, httpsThumbprint (the server
// certificate's SHA-1) and azureServiceFabricEndpoint too. Either --tls-* option implies --https.
// --x509-trust-ca path (PEM) gives the X.509 pool provider (x509Provider) its trust anchors; the HTTPS listener asks
// for client certificates, so mtls exchanges and impersonation work at httpsBaseUrl. POST /emulator/x509/trust adds more.
var port = 0;
var exitOnStdinClose = args.Contains("--exit-on-stdin-close");
var https = args.Contains("--https");
string[]? tlsNames = null;
string? tlsCaFile = null;
string? x509TrustFile = null;
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--port" && !int.TryParse(args[i + 1], out port))
    {
        Console.Error.WriteLine("--port expects a number.");
        return 2;
    }

    if (args[i] == "--tls-names")
    {
        tlsNames = args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        https = true;
    }

    if (args[i] == "--x509-trust-ca")
    {
        x509TrustFile = args[i + 1];
    }

    if (args[i] == "--tls-ca-file")
    {
        tlsCaFile = args[i + 1];
        https = true;
    }
}

await using var host = await StsEmulatorHost.StartAsync(port, https ? EmulatorTls.Create(tlsNames, tlsCaFile) : null);
if (x509TrustFile != null)
{
    var anchors = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
    anchors.ImportFromPemFile(x509TrustFile);
    foreach (var anchor in anchors)
    {
        host.State.X509TrustAnchors.Add(anchor);
    }
}

Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(host.Info()));
Console.Error.WriteLine("StsEmulator is listening; press Ctrl+C to stop.");

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
if (exitOnStdinClose)
{
    // A parent script (the Pester tests) that ends closes our standard input: stop with it rather than linger.
    _ = Task.Run(() =>
    {
        while (Console.In.Read() >= 0)
        {
        }

        stop.TrySetResult();
    });
}

await stop.Task;
return 0;
