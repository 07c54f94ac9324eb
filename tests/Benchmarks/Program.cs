using BenchmarkDotNet.Running;
using StsPowerShell.Benchmarks;

// dotnet run -c Release --project tests/Benchmarks -- --filter '*'           all three
// dotnet run -c Release --project tests/Benchmarks -- --filter '*Signing*'   one class
// dotnet run -c Release --project tests/Benchmarks -- --instructions [N] [warm-up]   issue 11: callgrind counts per exchange
if (args.Length > 0 && args[0] is "--instructions" or "--serve" or "--measure")
{
    return await InstructionHarness.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(ExchangeBenchmarks).Assembly).Run(args);
return 0;
