using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace StsPowerShell.NetFramework
{
    /// <summary>
    /// Loads the built module folder on .NET Framework as Windows PowerShell 5.1 does (Assembly.LoadFrom of the
    /// module assembly, then its IModuleAssemblyInitializer) and runs the Core flows against the STS emulator, which
    /// also serves HTTPS (--https) for X.509 federation over mutual TLS (<see cref="X509Flows"/>; needs openssl on
    /// PATH where the runtime has no CertificateRequest, as Mono; skipped otherwise).
    /// Usage: StsPowerShell.NetFramework.exe --module &lt;module folder&gt; --emulator &lt;StsEmulator.dll&gt; [--without-resolver]
    /// </summary>
    internal static class Program
    {
        private static string moduleFolder = string.Empty;
        private static Assembly? moduleAssembly;

        private static int Main(string[] args)
        {
            var options = ParseArguments(args);
            if (options == null)
            {
                Console.Error.WriteLine("usage: StsPowerShell.NetFramework.exe --module <module folder> --emulator <StsEmulator.dll> [--without-resolver]");
                return 2;
            }

            moduleFolder = Path.GetFullPath(options["module"]);
            var withoutResolver = options.ContainsKey("without-resolver");

            // A culture whose casing and number rules differ from English ('i' upper-cases to 'İ', ',' is the decimal mark).
            var culture = new CultureInfo("tr-TR");
            CultureInfo.DefaultThreadCurrentCulture = culture;
            CultureInfo.DefaultThreadCurrentUICulture = culture;
            Thread.CurrentThread.CurrentCulture = culture;
            Thread.CurrentThread.CurrentUICulture = culture;

            Console.WriteLine($"netframework: {RuntimeDescription()}, culture {CultureInfo.CurrentCulture.Name}, module {moduleFolder}{(withoutResolver ? ", resolver NOT registered" : string.Empty)}");

            // Windows PowerShell finds the module's own two assemblies beside the manifest; only these two are
            // answered here, never anything in dependencies/ (that is the module's resolver's job).
            AppDomain.CurrentDomain.AssemblyResolve += ResolveModuleAssembly;

            var checks = new Checks();
            checks.Run("module assembly loads with Assembly.LoadFrom", () =>
            {
                moduleAssembly = Assembly.LoadFrom(Path.Combine(moduleFolder, "StsPowerShell.dll"));
            });
            if (moduleAssembly == null)
            {
                return checks.Finish();
            }

            if (!withoutResolver)
            {
                checks.Run("module initializer runs (OnImport)", () => RunInitializers(moduleAssembly));
                checks.Run("every cmdlet is created and its parameters reflected, as PowerShell does", () => CmdletCreation.CreateEveryCmdlet(moduleAssembly, moduleFolder));
            }

            // HTTPS only for the X.509 checks, which the control run leaves out.
            using (var emulator = Emulator.Start(options["emulator"], https: !withoutResolver))
            {
                Flows.Run(checks, emulator, moduleFolder, withoutResolver);
                if (!withoutResolver)
                {
                    X509Flows.Run(checks, emulator);
                }

                if (!withoutResolver && !options.ContainsKey("no-control-run"))
                {
                    checks.Run("without the resolver, the flows fail (a second process, --without-resolver)", () => ControlRun(args));
                }
            }

            return checks.Finish();
        }

        private static Dictionary<string, string>? ParseArguments(string[] args)
        {
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal))
                {
                    return null;
                }

                var name = args[i].Substring(2);
                if (name == "without-resolver" || name == "no-control-run")
                {
                    options[name] = string.Empty;
                }
                else if (i + 1 < args.Length)
                {
                    options[name] = args[++i];
                }
                else
                {
                    return null;
                }
            }

            return options.ContainsKey("module") && options.ContainsKey("emulator") ? options : null;
        }

        private static string RuntimeDescription()
        {
            var mono = Type.GetType("Mono.Runtime");
            var display = mono?.GetMethod("GetDisplayName", BindingFlags.NonPublic | BindingFlags.Static)?.Invoke(null, null) as string;
            return display != null ? "Mono " + display : System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
        }

        private static Assembly? ResolveModuleAssembly(object sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            if (name != "StsPowerShell" && name != "StsPowerShell.Core")
            {
                return null;
            }

            var loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name);
            return loaded ?? Assembly.LoadFrom(Path.Combine(moduleFolder, name + ".dll"));
        }

        // What Import-Module does for a binary module: every public IModuleAssemblyInitializer, created and called.
        private static void RunInitializers(Assembly assembly)
        {
            var initializers = assembly.GetExportedTypes()
                .Where(t => typeof(IModuleAssemblyInitializer).IsAssignableFrom(t) && !t.IsAbstract)
                .ToArray();
            if (initializers.Length == 0)
            {
                throw new InvalidOperationException("The module assembly has no IModuleAssemblyInitializer.");
            }

            foreach (var type in initializers)
            {
                ((IModuleAssemblyInitializer)Activator.CreateInstance(type)).OnImport();
            }
        }

        // The same program in a second process without the resolver: it must report failed flows, each for want
        // of a dependency, so this check proves the resolver is what makes the flows work.
        private static void ControlRun(string[] args)
        {
            var exe = Assembly.GetEntryAssembly()!.Location;
            var arguments = string.Join(" ", args.Select(Quote)) + " --without-resolver";
            var startInfo = Type.GetType("Mono.Runtime") != null
                ? new ProcessStartInfo(Process.GetCurrentProcess().MainModule!.FileName, Quote(exe) + " " + arguments)
                : new ProcessStartInfo(exe, arguments);
            startInfo.UseShellExecute = false;
            startInfo.RedirectStandardOutput = true;
            using (var process = Process.Start(startInfo)!)
            {
                var output = process.StandardOutput.ReadToEnd();
                if (!process.WaitForExit(120000))
                {
                    process.Kill();
                    throw new TimeoutException("The control run did not finish in 120 s.");
                }

                foreach (var line in output.Split('\n').Where(l => l.Trim().Length > 0))
                {
                    Console.WriteLine("    | " + line.TrimEnd('\r'));
                }

                var summary = Regex.Match(output, @"netframework: (\d+) passed, (\d+) failed");
                if (process.ExitCode == 0 || !summary.Success || int.Parse(summary.Groups[2].Value, CultureInfo.InvariantCulture) < Flows.FlowCount)
                {
                    throw new InvalidOperationException($"The control run exited with {process.ExitCode}; every one of the {Flows.FlowCount} flows should have failed without the resolver.");
                }

                var missing = Regex.Matches(output, @"FAIL .*(System\.Text\.Json|System\.Memory|Microsoft\.Bcl\.AsyncInterfaces|System\.Runtime\.CompilerServices\.Unsafe|System\.Text\.Encodings\.Web|System\.Threading\.Tasks\.Extensions|System\.Buffers)").Count;
                if (missing < Flows.FlowCount)
                {
                    throw new InvalidOperationException($"Only {missing} of the control run's failures name a missing dependency.");
                }
            }
        }

        private static string Quote(string value) => value.IndexOf(' ') >= 0 ? "\"" + value + "\"" : value;
    }

    /// <summary>Runs checks, prints one line each, and ends with the summary line build.ps1 reads.</summary>
    internal sealed class Checks
    {
        private int passed;
        private int failed;
        private int skipped;

        public void Run(string name, Action check) => Run(name, () =>
        {
            check();
            return null;
        });

        /// <summary>Runs a check whose result, when it passes, is worth printing (what it counted); a <see cref="SkipException"/> makes it a skip.</summary>
        public void Run(string name, Func<string?> check)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var detail = check();
                passed++;
                Console.WriteLine($"  PASS {name}{(detail == null ? string.Empty : ": " + detail)} ({clock.ElapsedMilliseconds} ms)");
            }
            catch (SkipException e)
            {
                Skip(name, e.Message + $" ({clock.ElapsedMilliseconds} ms)");
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"  FAIL {name} ({clock.ElapsedMilliseconds} ms): {Describe(e)}");
            }
        }

        /// <summary>A check this machine cannot run: neither a pass nor a failure, and said so.</summary>
        public void Skip(string name, string reason)
        {
            skipped++;
            Console.WriteLine($"  SKIP {name}: {reason}");
        }

        // build.ps1 and the control run read the line's start, "netframework: N passed, M failed".
        public int Finish()
        {
            Console.WriteLine($"netframework: {passed} passed, {failed} failed, {skipped} skipped");
            return failed == 0 && passed > 0 ? 0 : 1;
        }

        private static string Describe(Exception e)
        {
            while ((e is AggregateException || e is TargetInvocationException || e is TypeInitializationException) && e.InnerException != null)
            {
                e = e.InnerException;
            }

            var text = new StringBuilder(e.GetType().Name + ": " + e.Message);
            if (e is FileNotFoundException file && file.FileName != null && e.Message.IndexOf(file.FileName, StringComparison.Ordinal) < 0)
            {
                text.Append(" (" + file.FileName + ")");
            }

            return text.Replace("\r", " ").Replace("\n", " ").ToString();
        }
    }

    /// <summary>Thrown by a check that ran into something this runtime cannot do, for a reason outside the module, which it names.</summary>
    internal sealed class SkipException : Exception
    {
        public SkipException(string reason)
            : base(reason)
        {
        }
    }

    /// <summary>The emulator as a child process (dotnet StsEmulator.dll --exit-on-stdin-close [--https]), like tests/Pester/TestStsEmulator.psm1.</summary>
    internal sealed class Emulator : IDisposable
    {
        private static readonly HttpClient Http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        private readonly Process process;
        private readonly string info;

        private Emulator(Process process, string info)
        {
            this.process = process;
            this.info = info;
        }

        public string BaseUrl => Field("baseUrl");

        public string TokenEndpoint => Field("tokenEndpoint");

        public string WorkloadProvider => Field("workloadProvider");

        public string ServiceAccount => Field("serviceAccount");

        public string X509Provider => Field("x509Provider");

        /// <summary>With --https, the HTTPS listener (mutual TLS allowed), e.g. https://127.0.0.1:49153.</summary>
        public string HttpsBaseUrl => Field("httpsBaseUrl");

        /// <summary>With --https, the PEM file of the test CA that issued the HTTPS listener's certificate.</summary>
        public string TlsCaFile => Field("tlsCaFile");

        public static Emulator Start(string dll, bool https = false)
        {
            var startInfo = new ProcessStartInfo("dotnet", "\"" + Path.GetFullPath(dll) + "\" --exit-on-stdin-close" + (https ? " --https" : string.Empty))
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
            };
            var process = Process.Start(startInfo)!;
            var line = process.StandardOutput.ReadLineAsync();
            if (!line.Wait(TimeSpan.FromSeconds(60)) || string.IsNullOrEmpty(line.Result))
            {
                process.Kill();
                throw new InvalidOperationException("The STS emulator did not report that it was listening.");
            }

            return new Emulator(process, line.Result);
        }

        public string MintJwt(string audience) =>
            JsonString(Http.GetStringAsync(BaseUrl + "/emulator/jwt?aud=" + Uri.EscapeDataString(audience)).GetAwaiter().GetResult(), "token");

        /// <summary>
        /// Delays the next request's headers by <paramref name="milliseconds"/>, or with <paramref name="midBody"/> sends
        /// the headers and half the body first (tests/StsEmulator/Faults).
        /// </summary>
        public void DelayNextRequest(int milliseconds, bool midBody = false)
        {
            var body = new StringContent("{\"" + (midBody ? "midBodyDelayMs" : "delayMs") + "\":" + milliseconds.ToString(CultureInfo.InvariantCulture) + ",\"status\":" + (midBody ? "200,\"body\":\"{}\"" : "null") + "}", Encoding.UTF8, "application/json");
            using (var response = Http.PostAsync(BaseUrl + "/emulator/faults", body).GetAwaiter().GetResult())
            {
                response.EnsureSuccessStatusCode();
            }
        }

        /// <summary>Makes the PEM certificate a trust anchor of the emulator's X.509 pool provider.</summary>
        public void TrustX509(string pem)
        {
            using (var response = Http.PostAsync(BaseUrl + "/emulator/x509/trust", new StringContent(pem, Encoding.ASCII, "text/plain")).GetAwaiter().GetResult())
            {
                response.EnsureSuccessStatusCode();
            }
        }

        public void Dispose()
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(10000))
            {
                process.Kill();
            }

            process.Dispose();
        }

        // The program reads JSON without System.Text.Json on purpose: that assembly must reach the process only
        // through the module's resolver.
        private static string JsonString(string json, string name)
        {
            var match = Regex.Match(json, "\"" + Regex.Escape(name) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
            if (!match.Success)
            {
                throw new InvalidOperationException($"No '{name}' in {json}");
            }

            return Regex.Unescape(match.Groups[1].Value);
        }

        private string Field(string name) => JsonString(info, name);
    }
}
