using StsEmulator;

// dotnet run --project tests/StsEmulator [-- --port N] [--exit-on-stdin-close]
// Prints one line of JSON when it is listening, so a script can read the address and wait on nothing else.
var port = 0;
var exitOnStdinClose = args.Contains("--exit-on-stdin-close");
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--port" && !int.TryParse(args[i + 1], out port))
    {
        Console.Error.WriteLine("--port expects a number.");
        return 2;
    }
}

await using var host = await StsEmulatorHost.StartAsync(port);
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
