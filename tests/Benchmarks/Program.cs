using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Benchmarks -- --filter '*'           all three
// dotnet run -c Release --project tests/Benchmarks -- --filter '*Signing*'   one class
BenchmarkSwitcher.FromAssembly(typeof(StsPowerShell.Benchmarks.ExchangeBenchmarks).Assembly).Run(args);
