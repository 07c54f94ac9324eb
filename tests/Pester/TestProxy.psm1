# A private Squid (Debian's squid package, Linux only) for a test file, and a fresh pwsh child process to run a
# script in with its own environment (SSL_CERT_FILE trusting the emulator's test CA, proxy variables), so tests
# can prove which requests went through a real authenticating proxy and that TLS is verified as in production.
# Nothing here leaves loopback: Squid listens on 127.0.0.1, resolves names only from its own hosts file (sts.test
# is 127.0.0.1) and would send any other DNS query to 127.0.0.1, where nothing answers.

# The shell that runs Squid ($1 squid, $2 service name, $3 configuration, $4 output file). Squid runs in the
# foreground (-N) under a service name of its own (-n: Squid names its shared-memory segments after it, so
# instances never collide). The shell's standard input is a pipe from the test process: when it closes, on
# Stop-TestProxy or because the test process died without cleaning up, the shell kills Squid, so no Squid
# outlives its test. The shell exits when Squid does.
Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1')

$script:squidWrapper = @'
exec 3<&0
"$1" -N -n "$2" -f "$3" </dev/null 3<&- >"$4" 2>&1 &
squid=$!
exec 2>>"$4"
( cat <&3 >/dev/null; kill -KILL "$squid" 2>/dev/null ) &
exec 3<&-
wait "$squid"
'@

# Squid logs a transaction when it ends: a CONNECT tunnel appears in the access log only once it closes, and a
# readiness probe's empty connection as this pseudo-URL, which Get-TestProxyLog leaves out.
$script:probeEntry = 'error:transaction-end-before-headers'

function Start-TestProxy {
    <#
    .SYNOPSIS
        Starts a private Squid on 127.0.0.1 and a free port; returns Url, Port, UserName, Password, Credential,
        Folder, AccessLog, CacheLog StartupTime and what Stop-TestProxy needs.
    .DESCRIPTION
        Basic authentication (realm 'StsPowerShell test proxy') is required unless -NoAuth; authenticated users
        may reach anything, CONNECT to any port included. Nothing is cached, so every request reaches its server.
        Returns once Squid accepts connections on its port (bounded by -TimeoutSec), never after a sleep.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [string] $UserName = 'sts-proxy-user',

        # A new random one when not given, so a guessed or wrong password never passes.
        [string] $Password = [guid]::NewGuid().ToString('N'),

        # No authentication: every client on 127.0.0.1 is allowed.
        [switch] $NoAuth,

        # Names Squid resolves, and to what; nothing else resolves.
        [hashtable] $HostsEntries = @{ 'sts.test' = '127.0.0.1' },

        [ValidateRange(1, 300)]
        [int] $TimeoutSec = 30
    )

    if (-not $IsLinux) { throw 'Start-TestProxy runs Debian''s Squid and works on Linux only.' }
    # /usr/sbin is not on every user's PATH.
    $squid = @(Get-Command squid -CommandType Application -ErrorAction Ignore)[0].Source
    if (-not $squid -and (Test-Path -LiteralPath '/usr/sbin/squid')) { $squid = '/usr/sbin/squid' }
    if (-not $squid) {
        throw 'Squid is not installed, so the proxy tests cannot run: install it (Debian: apt-get install squid) or run .ci/run, which does.'
    }
    if (-not $NoAuth -and -not (Get-Command openssl -CommandType Application -ErrorAction Ignore)) {
        throw 'openssl is not installed: Start-TestProxy needs it to write the password file Squid checks Basic credentials against.'
    }
    $helper = '/usr/lib/squid/basic_ncsa_auth'
    if (-not $NoAuth -and -not (Test-Path -LiteralPath $helper)) {
        throw "$helper is missing: Squid's Basic authentication helper comes with Debian's squid package."
    }

    $folder = Join-Path ([IO.Path]::GetTempPath()) "StsPowerShell-proxy-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $null = New-Item -ItemType Directory -Path $folder
    $service = 'ststestproxy' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $started = [Diagnostics.Stopwatch]::StartNew()
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSec)
    $failures = [Collections.Generic.List[string]]::new()
    try {
        ($HostsEntries.GetEnumerator() | ForEach-Object { "$($_.Value) $($_.Key)" }) -join "`n" | Set-Content -LiteralPath (Join-Path $folder 'hosts')
        if (-not $NoAuth) {
            $hash = $Password | & openssl passwd -apr1 -stdin
            if ($LASTEXITCODE -ne 0 -or -not $hash) { throw "openssl passwd -apr1 failed with exit code $LASTEXITCODE." }
            Set-Content -LiteralPath (Join-Path $folder 'passwd') -Value "${UserName}:$hash"
        }

        # Started as root, Squid switches to cache_effective_user (Debian: proxy) before it opens its logs, and
        # refuses to stay root: the folder becomes that user's.
        $effectiveUser = $null
        if ((& id -u) -eq '0') {
            $effectiveUser = 'proxy'
            & getent passwd $effectiveUser > $null
            if ($LASTEXITCODE -ne 0) { throw "Squid runs as root only with a cache_effective_user, and the user '$effectiveUser' does not exist." }
        }

        # A port that was free a moment ago; when another process takes it first Squid exits, and the next try
        # takes another.
        for ($attempt = 1; $attempt -le 3; $attempt++) {
            $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
            $listener.Start()
            $port = $listener.LocalEndpoint.Port
            $listener.Stop()

            $configuration = Join-Path $folder 'squid.conf'
            Set-Content -LiteralPath $configuration -Value (New-SquidConfiguration -Folder $folder -Port $port -NoAuth:$NoAuth -EffectiveUser $effectiveUser)
            if ($effectiveUser) {
                & chown -R "${effectiveUser}:" $folder
                if ($LASTEXITCODE -ne 0) { throw "chown -R $effectiveUser $folder failed with exit code $LASTEXITCODE." }
            }

            $process = Start-SquidProcess -Squid $squid -Service $service -Configuration $configuration -Folder $folder
            $ready = Wait-SquidListening -Process $process -Port $port -Folder $folder -Deadline $deadline
            if ($ready) {
                $credential = if ($NoAuth) { $null } else { [pscredential]::new($UserName, (ConvertTo-SecureString $Password -AsPlainText -Force)) }
                Write-Verbose ("Squid listens on 127.0.0.1:{0} after {1:N2} s." -f $port, $started.Elapsed.TotalSeconds)
                return [pscustomobject]@{
                    Url        = "http://127.0.0.1:$port"
                    Port       = $port
                    UserName   = if ($NoAuth) { $null } else { $UserName }
                    Password   = if ($NoAuth) { $null } else { $Password }
                    Credential = $credential
                    NoAuth     = [bool]$NoAuth
                    Folder     = $folder
                    AccessLog  = Join-Path $folder 'access.log'
                    CacheLog   = Join-Path $folder 'cache.log'
                    Service    = $service
                    Process    = $process
                    # How long starting took.
                    StartupTime = $started.Elapsed
                }
            }
            $exited = $process.HasExited
            $failures.Add("attempt $attempt on port ${port}: $(Get-SquidDiagnostics -Folder $folder)")
            Stop-SquidProcess -Process $process -Service $service
            # Only a Squid that exited (its port taken, say) is worth another try, and only within the time.
            if (-not $exited -or [datetime]::UtcNow -ge $deadline) { break }
        }
        throw "Squid did not start listening ($([math]::Round($started.Elapsed.TotalSeconds, 1)) s, at most $TimeoutSec s): $($failures -join ' | ')"
    }
    catch {
        Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
        throw
    }
}

function Stop-TestProxy {
    <#
    .SYNOPSIS
        Stops the Squid of Start-TestProxy and removes its folder (-Keep leaves the folder, with its logs).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [pscustomobject] $Proxy,
        [switch] $Keep
    )

    Stop-SquidProcess -Process $Proxy.Process -Service $Proxy.Service
    if (-not $Keep) { Remove-Item -LiteralPath $Proxy.Folder -Recurse -Force -ErrorAction SilentlyContinue }
}

function Get-TestProxyLog {
    <#
    .SYNOPSIS
        The access log's entries so far: Time, Client, Result (TCP_TUNNEL, TCP_DENIED, TCP_MISS, ...), Status,
        Method, Url, Host, Port, User, Server.
    .DESCRIPTION
        Squid writes an entry when a transaction ends: a CONNECT tunnel shows here only after it closed (a child
        process that exited has closed its tunnels; a pooled connection in this process may still be open). For
        what reached Squid at once, open tunnels included, use Get-TestProxyRequest. Entries of the readiness
        probe's empty connections are left out unless -All.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)] [pscustomobject] $Proxy,
        [switch] $All
    )

    if (-not (Test-Path -LiteralPath $Proxy.AccessLog)) { return }
    foreach ($line in [IO.File]::ReadAllLines($Proxy.AccessLog)) {
        # logformat sts: %ts.%03tu %>a %Ss/%03>Hs %rm %ru %un %<a:%<p
        $fields = $line -split ' '
        if ($fields.Count -lt 7) { continue }
        if (-not $All -and $fields[4] -eq $script:probeEntry) { continue }
        $result, $status = $fields[2] -split '/', 2
        $targetHost = $null
        $targetPort = $null
        if ($fields[4] -match '^(?<host>\[[^\]]+\]|[^:/]+):(?<port>\d+)$') {
            $targetHost = $Matches.host.Trim('[', ']')
            $targetPort = [int]$Matches.port
        }
        elseif ([uri]::IsWellFormedUriString($fields[4], [UriKind]::Absolute) -and ([uri]$fields[4]).Host) {
            $uri = [uri]$fields[4]
            $targetHost = $uri.Host.Trim('[', ']')
            $targetPort = $uri.Port
        }
        [pscustomobject]@{
            Time   = [DateTimeOffset]::FromUnixTimeMilliseconds([long]([double]::Parse($fields[0], [Globalization.CultureInfo]::InvariantCulture) * 1000))
            Client = $fields[1]
            Result = $result
            Status = [int]$status
            Method = $fields[3]
            Url    = $fields[4]
            Host   = $targetHost
            Port   = $targetPort
            User   = if ($fields[5] -eq '-') { $null } else { [uri]::UnescapeDataString($fields[5]) }
            Server = if ($fields[6] -eq '-:-') { $null } else { $fields[6] }
        }
    }
}

function Wait-TestProxyLog {
    <#
    .SYNOPSIS
        Waits until the access log has an entry for which -Where is true and returns the matching entries; throws
        with the log so far after -TimeoutSec. Woken by changes to the log file, re-checked at least every 200 ms.
    .EXAMPLE
        Wait-TestProxyLog -Proxy $proxy -Where { $_.Method -eq 'CONNECT' -and $_.Host -eq 'sts.test' -and $_.Status -eq 200 }
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)] [pscustomobject] $Proxy,
        [Parameter(Mandatory)] [scriptblock] $Where,
        [ValidateRange(1, 300)]
        [int] $TimeoutSec = 10
    )

    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSec)
    $watcher = [IO.FileSystemWatcher]::new($Proxy.Folder, 'access.log')
    try {
        while ($true) {
            $found = @(Get-TestProxyLog -Proxy $Proxy | Where-Object $Where)
            if ($found.Count -gt 0) { return $found }
            $remaining = $deadline - [datetime]::UtcNow
            if ($remaining -le [timespan]::Zero) { break }
            # Returns when Squid writes to the log; a write between the check above and this call is caught by
            # the 200 ms bound.
            $null = $watcher.WaitForChanged([IO.WatcherChangeTypes]::Changed -bor [IO.WatcherChangeTypes]::Created, [math]::Min(200, [int][math]::Ceiling($remaining.TotalMilliseconds)))
        }
    }
    finally {
        $watcher.Dispose()
    }
    $entries = (Get-TestProxyLog -Proxy $Proxy | ForEach-Object { "$($_.Method) $($_.Url) $($_.Result)/$($_.Status)" }) -join '; '
    throw "No access log entry matched { $(($Where.ToString() -replace '\s+', ' ').Trim()) } within $TimeoutSec s. The log has: $(if ($entries) { $entries } else { 'no entry' })."
}

function Get-TestProxyRequest {
    <#
    .SYNOPSIS
        The requests Squid received, in order, as it logged them on arrival (cache.log, debug section 11 level 2):
        Method, Target (host:port for CONNECT, the absolute URL otherwise), Version and Headers (case-insensitive;
        Proxy-Authorization included). Unlike the access log, this shows a CONNECT while its tunnel is still open.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([Parameter(Mandatory)] [pscustomobject] $Proxy)

    if (-not (Test-Path -LiteralPath $Proxy.CacheLog)) { return }
    $lines = [IO.File]::ReadAllLines($Proxy.CacheLog)
    for ($i = 0; $i -lt $lines.Count; $i++) {
        # parseHttpRequest: HTTP Client REQUEST:, a line of dashes, the request line, headers, an empty line.
        if (-not $lines[$i].EndsWith('HTTP Client REQUEST:') -or $i + 2 -ge $lines.Count) { continue }
        $requestLine = $lines[$i + 2] -split ' '
        if ($requestLine.Count -lt 3) { continue }
        $headers = [ordered]::new([StringComparer]::OrdinalIgnoreCase)
        for ($j = $i + 3; $j -lt $lines.Count -and $lines[$j] -ne '' -and -not $lines[$j].StartsWith('----------'); $j++) {
            $name, $value = $lines[$j] -split ':\s*', 2
            $headers[$name] = $value
        }
        [pscustomobject]@{ Method = $requestLine[0]; Target = $requestLine[1]; Version = $requestLine[2]; Headers = $headers }
        $i = $j
    }
}

function Invoke-TestPwsh {
    <#
    .SYNOPSIS
        Runs -Script in a new pwsh (the same PowerShell as this one) with the built module imported and
        -Environment added to its environment; returns ExitCode, Output, Errors, Verbose, Warnings, Information,
        StdOut, StdErr and Elapsed.
    .DESCRIPTION
        Output holds the script's output objects, serialized as JSON by the child (-Depth) and read back. Errors
        holds each error record (non-terminating ones, and the terminating one that ended the script, with
        Terminating set) as FullyQualifiedErrorId, Message (the exception's), Category, TargetName, ErrorDetails,
        ExceptionType and InnerMessages (the inner exceptions' messages, outermost first). Verbose, Warnings and Information are the messages as strings:
        pass -Verbose to the commands in the script to get theirs. ExitCode is 0, or 1 when a terminating error
        ended the script.
        The child gets POWERSHELL_TELEMETRY_OPTOUT=1 and no update check; proxy variables and SSL_CERT_FILE /
        SSL_CERT_DIR of this process are not passed on, so the child has exactly the ones in -Environment (a
        $null or empty value removes a variable). After -TimeoutSec the child and its children are killed and
        this throws.
    .EXAMPLE
        Invoke-TestPwsh -Script 'Invoke-RestMethod https://sts.test:1234/emulator/requests -Proxy $env:TEST_PROXY' -Environment @{ SSL_CERT_FILE = $emulator.tlsCaFile; TEST_PROXY = $proxy.Url }
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{},
        [ValidateRange(1, 600)]
        [int] $TimeoutSec = 120,
        [ValidateRange(1, 100)]
        [int] $Depth = 5,
        # Does not import the module (for tests of PowerShell's own cmdlets).
        [switch] $NoModule
    )

    if (-not $NoModule -and -not ($env:STSPOWERSHELL_MODULE -and (Test-Path -LiteralPath $env:STSPOWERSHELL_MODULE))) {
        throw 'STSPOWERSHELL_MODULE does not name the built module manifest: run the tests through tests/Pester/Invoke-PesterTests.ps1, which sets it.'
    }
    $folder = Join-Path ([IO.Path]::GetTempPath()) "StsPowerShell-pwsh-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $null = New-Item -ItemType Directory -Path $folder
    try {
        $userScript = Join-Path $folder 'script.ps1'
        $runner = Join-Path $folder 'runner.ps1'
        $resultPath = Join-Path $folder 'result.json'
        Set-Content -LiteralPath $userScript -Value $Script -Encoding utf8
        Set-Content -LiteralPath $runner -Value $script:childRunner -Encoding utf8

        # This very PowerShell: pwsh itself, or pwsh.dll under dotnet when run as the repository's local tool
        # (`dotnet pwsh`), which then needs no tool manifest in the working directory.
        $processPath = [Environment]::ProcessPath
        $startInfo = [Diagnostics.ProcessStartInfo]::new($processPath)
        if ([IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet') {
            $startInfo.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll'))
        }
        foreach ($argument in '-NoLogo', '-NoProfile', '-NonInteractive', '-File', $runner, '-ScriptPath', $userScript, '-ResultPath', $resultPath, '-Depth', "$Depth") {
            $startInfo.ArgumentList.Add($argument)
        }
        if ($NoModule) { $startInfo.ArgumentList.Add('-NoModule') }
        $startInfo.UseShellExecute = $false
        $startInfo.RedirectStandardOutput = $true
        $startInfo.RedirectStandardError = $true
        $startInfo.RedirectStandardInput = $true
        $startInfo.WorkingDirectory = if ($PWD.Provider.Name -eq 'FileSystem') { $PWD.ProviderPath } else { $folder }

        foreach ($name in @($startInfo.Environment.Keys)) {
            if ($name -in 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'SSL_CERT_FILE', 'SSL_CERT_DIR') { $null = $startInfo.Environment.Remove($name) }
        }
        # No telemetry or update check: either would look up or reach a public host when pwsh starts or ends.
        $startInfo.Environment['POWERSHELL_TELEMETRY_OPTOUT'] = '1'
        $startInfo.Environment['POWERSHELL_UPDATECHECK'] = 'Off'
        $startInfo.Environment['DOTNET_CLI_TELEMETRY_OPTOUT'] = '1'
        $startInfo.Environment['DOTNET_NOLOGO'] = '1'
        foreach ($entry in $Environment.GetEnumerator()) {
            if ($null -eq $entry.Value -or "$($entry.Value)" -eq '') { $null = $startInfo.Environment.Remove($entry.Key) }
            else { $startInfo.Environment[$entry.Key] = "$($entry.Value)" }
        }

        $clock = [Diagnostics.Stopwatch]::StartNew()
        $process = [Diagnostics.Process]::Start($startInfo)
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSec * 1000)) {
            $process.Kill($true)
            $null = $process.WaitForExit(10000)
            throw "The child pwsh did not finish within $TimeoutSec s and was killed. Its output so far: $($stdout.Result) $($stderr.Result)"
        }
        $process.WaitForExit()
        $result = if (Test-Path -LiteralPath $resultPath) { Get-Content -LiteralPath $resultPath -Raw | ConvertFrom-Json } else { $null }
        if (-not $result) {
            throw "The child pwsh exited with $($process.ExitCode) without writing its result. stdout: $($stdout.Result) stderr: $($stderr.Result)"
        }
        [pscustomobject]@{
            ExitCode    = $process.ExitCode
            Output      = @($result.Output)
            Errors      = @($result.Errors)
            Verbose     = @($result.Verbose)
            Warnings    = @($result.Warnings)
            Information = @($result.Information)
            StdOut      = $stdout.Result
            StdErr      = $stderr.Result
            Elapsed     = $clock.Elapsed
        }
    }
    finally {
        Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
    }
}

# What the child runs: the script with every stream merged into one, sorted back into streams here.
$script:childRunner = @'
param([string] $ScriptPath, [string] $ResultPath, [int] $Depth, [switch] $NoModule)

function ConvertTo-ErrorSummary {
    param([System.Management.Automation.ErrorRecord] $Record, [bool] $Terminating)
    $inner = [System.Collections.Generic.List[string]]::new()
    for ($e = $Record.Exception.InnerException; $e; $e = $e.InnerException) { $inner.Add($e.Message) }
    [ordered]@{
        FullyQualifiedErrorId = $Record.FullyQualifiedErrorId
        Message               = $Record.Exception.Message
        Category              = "$($Record.CategoryInfo.Category)"
        TargetName            = $Record.CategoryInfo.TargetName
        ErrorDetails          = $Record.ErrorDetails.Message
        ExceptionType         = $Record.Exception.GetType().FullName
        InnerMessages         = $inner.ToArray()
        Terminating           = $Terminating
    }
}

$output = [System.Collections.Generic.List[object]]::new()
$errors = [System.Collections.Generic.List[object]]::new()
$verbose = [System.Collections.Generic.List[string]]::new()
$warnings = [System.Collections.Generic.List[string]]::new()
$information = [System.Collections.Generic.List[string]]::new()
$exitCode = 0
try {
    if (-not $NoModule) { Import-Module $env:STSPOWERSHELL_MODULE -ErrorAction Stop }
    & $ScriptPath *>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.ErrorRecord]) { $errors.Add((ConvertTo-ErrorSummary $_ $false)) }
        elseif ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose.Add($_.Message) }
        elseif ($_ -is [System.Management.Automation.WarningRecord]) { $warnings.Add($_.Message) }
        elseif ($_ -is [System.Management.Automation.InformationRecord]) { $information.Add("$($_.MessageData)") }
        elseif ($_ -is [System.Management.Automation.DebugRecord]) { }
        else { $output.Add($_) }
    }
}
catch {
    $errors.Add((ConvertTo-ErrorSummary $_ $true))
    $exitCode = 1
}

try {
    $json = [ordered]@{ Output = $output.ToArray(); Errors = $errors.ToArray(); Verbose = $verbose.ToArray(); Warnings = $warnings.ToArray(); Information = $information.ToArray() } |
        ConvertTo-Json -Depth ($Depth + 1) -Compress -WarningAction SilentlyContinue
    [System.IO.File]::WriteAllText($ResultPath, $json)
}
catch {
    [Console]::Error.WriteLine("The result could not be serialized: $_")
    exit 2
}
exit $exitCode
'@

function New-SquidConfiguration {
    param([string] $Folder, [int] $Port, [switch] $NoAuth, [string] $EffectiveUser)

    $lines = @(
        "http_port 127.0.0.1:$Port"
        'visible_hostname sts-test-proxy'
        $(if ($EffectiveUser) { "cache_effective_user $EffectiveUser" })
        "pid_filename $Folder/squid.pid"
        "coredump_dir $Folder"
        # Names only from this file; any other query would go to 127.0.0.1, where nothing answers.
        "hosts_file $Folder/hosts"
        'dns_nameservers 127.0.0.1'
        # No ICMP pinger, no state files outside the folder, nothing cached (memory only, and not even there).
        'pinger_enable off'
        'netdb_filename none'
        'cache_mem 8 MB'
        'cache deny all'
        'shutdown_lifetime 0 seconds'
        'forwarded_for delete'
        # One line a transaction, each written as it is logged (buffered_logs off) with the full URL, query included.
        'logformat sts %ts.%03tu %>a %Ss/%03>Hs %rm %ru %un %<a:%<p'
        "access_log stdio:$Folder/access.log sts"
        'buffered_logs off'
        'strip_query_terms off'
        'cache_store_log none'
        'logfile_rotate 0'
        "cache_log $Folder/cache.log"
        # Section 11 level 2 writes each request as it arrives into cache.log (Get-TestProxyRequest).
        'debug_options ALL,1 11,2'
        'acl local_clients src 127.0.0.1/32 ::1'
    )
    if ($NoAuth) {
        $lines += 'http_access allow local_clients'
    }
    else {
        $lines += @(
            "auth_param basic program /usr/lib/squid/basic_ncsa_auth $Folder/passwd"
            'auth_param basic realm StsPowerShell test proxy'
            'acl authenticated proxy_auth REQUIRED'
            # Anywhere, CONNECT to any port and 127.0.0.1 included (no SSL_ports or to_localhost rule).
            'http_access allow local_clients authenticated'
        )
    }
    $lines += 'http_access deny all'
    $lines | Where-Object { $_ }
}

function Start-SquidProcess {
    param([string] $Squid, [string] $Service, [string] $Configuration, [string] $Folder)

    $startInfo = [Diagnostics.ProcessStartInfo]::new('/bin/sh')
    foreach ($argument in '-c', $script:squidWrapper, 'sh', $Squid, $Service, $Configuration, (Join-Path $Folder 'squid.out')) {
        $startInfo.ArgumentList.Add($argument)
    }
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardInput = $true
    $startInfo.WorkingDirectory = $Folder
    [Diagnostics.Process]::Start($startInfo)
}

function Wait-SquidListening {
    # Ready when the port accepts a connection and Squid itself says it listens there (not some other process
    # that took the port); False when Squid exits or the deadline passes.
    param([Diagnostics.Process] $Process, [int] $Port, [string] $Folder, [datetime] $Deadline)

    $cacheLog = Join-Path $Folder 'cache.log'
    while ([datetime]::UtcNow -lt $Deadline) {
        $client = [Net.Sockets.TcpClient]::new()
        try {
            $connect = $client.ConnectAsync([Net.IPAddress]::Loopback, $Port)
            $accepted = $connect.Wait([timespan]::FromSeconds(2)) -and $client.Connected
        }
        catch { $accepted = $false }
        finally { $client.Dispose() }
        if ($accepted -and (Test-Path -LiteralPath $cacheLog) -and
            (Select-String -LiteralPath $cacheLog -Pattern "Accepting HTTP Socket connections at \S+ local=127\.0\.0\.1:$Port " -Quiet)) {
            return $true
        }
        # Not yet: wait for Squid to exit, 20 ms at most, before the next try (a wait on the process, not a sleep).
        if ($Process.WaitForExit(20)) { return $false }
    }
    $false
}

function Stop-SquidProcess {
    param([Diagnostics.Process] $Process, [string] $Service)

    # Closing the wrapper's standard input kills Squid (SIGKILL: the logs are unbuffered, nothing is lost, and a
    # graceful stop takes Squid about 2.5 s).
    try { $Process.StandardInput.Close() } catch { }
    if (-not $Process.WaitForExit(10000)) {
        $Process.Kill($true)
        $null = $Process.WaitForExit(10000)
    }
    # A killed Squid leaves its shared-memory segments, named after its service name.
    Get-ChildItem -LiteralPath '/dev/shm' -Filter "$Service-*" -ErrorAction SilentlyContinue | Remove-Item -Force -ErrorAction SilentlyContinue
}

function Get-SquidDiagnostics {
    param([string] $Folder)

    $text = foreach ($name in 'squid.out', 'cache.log') {
        $path = Join-Path $Folder $name
        if (Test-Path -LiteralPath $path) { Get-Content -LiteralPath $path -Tail 15 | Where-Object { $_ -match 'FATAL|ERROR|WARNING|Cannot|denied|in use' } }
    }
    if ($text) { ($text | Select-Object -Unique) -join ' / ' } else { 'Squid wrote nothing about it' }
}

# What every proxy test file starts from: the emulator over HTTPS, the module's variables cleared (so no proxy or
# cloud setting of this machine applies), a temporary home with instance metadata at the emulator, and a private
# Squid. Exit-TestProxyScene undoes it; so does a failure halfway through.
function Enter-TestProxyScene {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()

    $scene = [pscustomobject]@{ Emulator = $null; Saved = $null; Home = $null; Proxy = $null }
    try {
        $scene.Emulator = Start-TestStsEmulator -Https
        $scene.Saved = Clear-TestEnvironment
        $scene.Home = Enter-TestHome -Emulator $scene.Emulator
        $scene.Proxy = Start-TestProxy
        $scene
    }
    catch {
        Exit-TestProxyScene -Scene $scene
        throw
    }
}

function Exit-TestProxyScene {
    [CmdletBinding()]
    param([pscustomobject] $Scene)

    if (-not $Scene) { return }
    if ($Scene.Proxy) { Stop-TestProxy -Proxy $Scene.Proxy }
    if ($Scene.Saved) { Restore-TestEnvironment -Saved $Scene.Saved }
    if ($Scene.Home) { Remove-Item -Recurse -Force $Scene.Home.Folder -ErrorAction SilentlyContinue }
    if ($Scene.Emulator) { Stop-TestStsEmulator -Emulator $Scene.Emulator }
}

Export-ModuleMember -Function Enter-TestProxyScene, Exit-TestProxyScene, Start-TestProxy, Stop-TestProxy, Get-TestProxyLog, Wait-TestProxyLog, Get-TestProxyRequest, Invoke-TestPwsh
