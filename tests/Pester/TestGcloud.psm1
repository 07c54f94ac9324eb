# Runs the real Google Cloud CLI for the Pester tests (issue 16, item 7), so that credential configuration files
# are read by the tool people use, against the local STS emulator, and nothing else.
#
# What a test needs (checked against gcloud 528):
#   gcloud auth login --cred-file=<file>     stores the file's credentials and makes them the active account. It
#       refreshes them at once (the token endpoint; for impersonation, generateAccessToken too) and, without
#       impersonation, names the account by POSTing the token to token_info_url (gcloud's own OAuth client as
#       Basic authentication; it reads `username`). No --quiet: CLOUDSDK_CORE_DISABLE_PROMPTS answers the one
#       prompt (overwriting an account already stored) with its default.
#   gcloud auth print-access-token           prints the active account's token, from the access token cache that
#       login filled (so it sends nothing while that token is fresh). It has no --cred-file; the file alone
#       works with CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE=<file> in -Environment (an exchange and an
#       introspection per call, no login).
#   An executable source needs GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1 in -Environment; without it gcloud
#   refuses ("Executables need to be explicitly allowed").
# One configuration folder per test: the access token cache is keyed by account, and every non-impersonated file
# for the emulator's workload provider names the same principal, so a shared folder would answer a later test
# with an earlier test's token.
#
# gcloud starts with an empty environment plus the settings below (nothing of this machine's: no AWS_*, no
# proxies, no GOOGLE_*), and always under strace, whose record of every connect() and send with an address is
# checked: a destination other than loopback (or a local socket that is not a name service) fails the call.
# Linux only (strace).

$script:gcloud = Get-Command gcloud -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
$script:strace = Get-Command strace -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1

# Why each test file can run: $null when gcloud and strace are both here, else the reason to skip.
function Get-TestGcloudUnavailableReason {
    [CmdletBinding()]
    [OutputType([string])]
    param()

    if (-not $IsLinux) { return 'the gcloud tests run on Linux only (strace checks every connection).' }
    if (-not $script:gcloud) { return 'gcloud is not installed.' }
    if (-not $script:strace) { return 'strace is not installed (.ci/run installs it).' }
    $null
}

# A temporary folder holding gcloud's configuration (CLOUDSDK_CONFIG) and an empty home.
function New-TestGcloudConfig {
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([pscustomobject])]
    param()

    $folder = Join-Path ([IO.Path]::GetTempPath()) "gcloud-$([guid]::NewGuid())"
    if (-not $PSCmdlet.ShouldProcess($folder, 'Create')) { return }
    $config = [pscustomobject]@{ Folder = $folder; ConfigPath = Join-Path $folder 'config'; Home = Join-Path $folder 'home' }
    $null = New-Item -ItemType Directory -Path $config.ConfigPath, $config.Home
    $config
}

function Remove-TestGcloudConfig {
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Mandatory)] [pscustomobject] $Config)

    if ((Test-Path -LiteralPath $Config.Folder) -and $PSCmdlet.ShouldProcess($Config.Folder, 'Remove')) {
        Remove-Item -LiteralPath $Config.Folder -Recurse -Force
    }
}

# The environment gcloud starts with: everything that could make it reach a host other than those the credential
# file names is off or pointed at a closed loopback port.
function Get-TestGcloudEnvironment {
    [CmdletBinding()]
    [OutputType([hashtable])]
    param([Parameter(Mandatory)] [pscustomobject] $Config, [Parameter(Mandatory)] [int] $ClosedPort)

    $nowhere = "127.0.0.1:$ClosedPort"
    @{
        PATH                                          = "$(Split-Path $script:gcloud.Source):/usr/bin:/bin"
        HOME                                          = $Config.Home
        LANG                                          = 'C.UTF-8'
        CLOUDSDK_CONFIG                               = $Config.ConfigPath
        # The component manager's check for a newer release (dl.google.com).
        CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK = '1'
        # Usage reports (play.googleapis.com/log).
        CLOUDSDK_CORE_DISABLE_USAGE_REPORTING         = 'true'
        # Remote feature flags (www.gstatic.com/cloudsdk/feature_flag_config_file.yaml).
        CLOUDSDK_CORE_ENABLE_FEATURE_FLAGS            = 'false'
        CLOUDSDK_CORE_DISABLE_PROMPTS                 = '1'
        CLOUDSDK_SURVEY_DISABLE_PROMPTS               = 'true'
        # The credential store's GCE probes. Two more probes ignore this property: login's "are you on a VM"
        # question and the user agent's environment; the latter is skipped when the environment is named, and
        # both use GCE_METADATA_ROOT below.
        CLOUDSDK_CORE_CHECK_GCE_METADATA              = 'false'
        CLOUDSDK_METRICS_ENVIRONMENT                  = 'stspowershell-tests'
        # gcloud's own metadata reads (GCE_METADATA_ROOT, else metadata.google.internal, which would be looked up
        # in DNS) and google-auth's (GCE_METADATA_HOST, and GCE_METADATA_IP instead of 169.254.169.254): a closed
        # port refuses them at once.
        GCE_METADATA_ROOT                             = $nowhere
        GCE_METADATA_HOST                             = $nowhere
        GCE_METADATA_IP                               = $nowhere
    }
}

# Every destination in an strace record of connect/sendto/sendmsg/sendmmsg, in order, as Destination ("127.0.0.1:443",
# "[::1]:80", "unix:/path", or the address family for others) and Local: loopback (IPv4, ::1, or IPv4-mapped
# ::ffff:127.x, which .NET's dual-mode sockets use), a local socket other than a name service's (nscd,
# systemd-resolved) — or a name service's that is not there (the call failed with ENOENT or ECONNREFUSED, so
# nothing reached it) — or netlink (kernel-local).
function Get-TestGcloudDestination {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([Parameter(Mandatory)] [string] $TracePath)

    $pattern = 'sa_family=AF_INET, sin_port=htons\((?<port>\d+)\), sin_addr=inet_addr\("(?<ip4>[^"]+)"\)' +
        '|sa_family=AF_INET6, sin6_port=htons\((?<port6>\d+)\),[^}]*?inet_pton\(AF_INET6, "(?<ip6>[^"]+)"' +
        '|sa_family=AF_UNIX(, sun_path=(?<unix>@?"[^"]*"))?' +
        '|sa_family=(?<family>AF_\w+)'
    foreach ($line in (Get-Content -LiteralPath $TracePath)) {
        $absent = $line -match '= -1 (ENOENT|ECONNREFUSED)'
        foreach ($match in [regex]::Matches($line, $pattern)) {
            $g = $match.Groups
            $destination = if ($g['ip4'].Success) { "$($g['ip4'].Value):$($g['port'].Value)" }
            elseif ($g['ip6'].Success) { "[$($g['ip6'].Value)]:$($g['port6'].Value)" }
            elseif ($match.Value.StartsWith('sa_family=AF_UNIX')) { "unix:$($g['unix'].Value.Trim('"'))" }
            else { $g['family'].Value }
            $local = ($destination -match '^127\.\d+\.\d+\.\d+:\d+$') -or ($destination -match '^\[(::1|::ffff:127\.\d+\.\d+\.\d+)\]:\d+$') -or
                ($destination.StartsWith('unix:') -and ($destination -notmatch 'nscd|resolve' -or $absent)) -or ($destination -eq 'AF_NETLINK')
            [pscustomobject]@{ Destination = $destination; Local = $local }
        }
    }
}

# Runs gcloud with -Arguments under strace, in $Config's folders. Returns ExitCode, StdOut, StdErr, Token (what
# print-access-token printed, when it succeeded), Destinations (every address gcloud and its children connected or
# sent to), TracePath and Elapsed. Throws when a destination is not local, or when gcloud outlives -TimeoutSec.
function Invoke-TestGcloud {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)] [pscustomobject] $Config,
        [Parameter(Mandatory)] [string[]] $Arguments,
        # Added to (and overriding) the isolated environment, e.g. CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE or
        # GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES.
        [hashtable] $Environment = @{},
        [int] $TimeoutSec = 60)

    $reason = Get-TestGcloudUnavailableReason
    if ($reason) { throw "Cannot run gcloud: $reason" }

    # A port bound but never listening stays closed, and nobody else can take it while gcloud runs.
    $closed = [Net.Sockets.Socket]::new([Net.Sockets.AddressFamily]::InterNetwork, [Net.Sockets.SocketType]::Stream, [Net.Sockets.ProtocolType]::Tcp)
    try {
        $closed.Bind([Net.IPEndPoint]::new([Net.IPAddress]::Loopback, 0))
        $trace = Join-Path $Config.Folder "strace-$([guid]::NewGuid()).txt"
        $startInfo = [Diagnostics.ProcessStartInfo]::new($script:strace.Source)
        foreach ($argument in @('-f', '-qq', '-e', 'trace=connect,sendto,sendmsg,sendmmsg', '-o', $trace, $script:gcloud.Source) + $Arguments) {
            $startInfo.ArgumentList.Add($argument)
        }
        $startInfo.Environment.Clear()
        $variables = Get-TestGcloudEnvironment -Config $Config -ClosedPort $closed.LocalEndPoint.Port
        foreach ($key in $Environment.Keys) { $variables[$key] = $Environment[$key] }
        foreach ($key in $variables.Keys) { $startInfo.Environment[$key] = [string]$variables[$key] }
        $startInfo.UseShellExecute = $false
        $startInfo.RedirectStandardOutput = $true
        $startInfo.RedirectStandardError = $true
        $startInfo.RedirectStandardInput = $true
        $startInfo.WorkingDirectory = $Config.Folder

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $process = [Diagnostics.Process]::Start($startInfo)
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSec * 1000)) {
            $process.Kill($true)
            throw "gcloud $($Arguments -join ' ') did not finish within $TimeoutSec s."
        }
        $process.WaitForExit()
        $watch.Stop()
    }
    finally {
        $closed.Dispose()
    }

    $found = @(Get-TestGcloudDestination -TracePath $trace)
    $destinations = @($found.Destination)
    $elsewhere = @($found | Where-Object { -not $_.Local } | ForEach-Object Destination | Sort-Object -Unique)
    if ($elsewhere.Count -gt 0) {
        throw "gcloud $($Arguments -join ' ') reached beyond loopback: $($elsewhere -join ', ') (strace record: $trace)."
    }

    $result = [pscustomobject]@{
        ExitCode     = $process.ExitCode
        StdOut       = $stdout.Result
        StdErr       = $stderr.Result
        Token        = $null
        Destinations = $destinations
        TracePath    = $trace
        Elapsed      = $watch.Elapsed
    }
    if ($result.ExitCode -eq 0 -and $Arguments -contains 'print-access-token') { $result.Token = $result.StdOut.Trim() }
    $result
}

# What the emulator's introspection endpoint says of a token, asked as gcloud asks (its client as Basic), so that a
# token issued to gcloud's client is described too.
function Get-TestTokenInfo {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([Parameter(Mandatory)] [pscustomobject] $Emulator, [Parameter(Mandatory)] [string] $Token)

    $basic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("$($Emulator.gcloudClientId):$($Emulator.gcloudClientSecret)"))
    Invoke-RestMethod -Method Post -Uri $Emulator.tokenInfoEndpoint -Headers @{ Authorization = "Basic $basic" } -Body @{ token = $Token }
}

# gcloud auth login --cred-file, then print-access-token; both must succeed, and one of them must have been seen
# reaching the emulator (so an empty strace record cannot pass for a clean one). With impersonation, login sends
# nothing (the file names the account) and print-access-token refreshes; without, login refreshes and introspects,
# and print-access-token answers from the token cache. Returns Login, Print and TokenInfo (the emulator's view of
# the printed token).
function Invoke-TestGcloudLogin {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)] [pscustomobject] $Config,
        [Parameter(Mandatory)] [pscustomobject] $Emulator,
        [Parameter(Mandatory)] [string] $File,
        [hashtable] $Environment = @{},
        # Where the emulator is reached, when not at its plain-HTTP baseUrl (its httpsBaseUrl for mutual TLS).
        [string] $BaseUrl = $Emulator.baseUrl
    )

    $login = Invoke-TestGcloud -Config $Config -Arguments 'auth', 'login', "--cred-file=$File" -Environment $Environment
    $login.ExitCode | Should -Be 0 -Because $login.StdErr
    $print = Invoke-TestGcloud -Config $Config -Arguments 'auth', 'print-access-token' -Environment $Environment
    $print.ExitCode | Should -Be 0 -Because $print.StdErr
    @($login.Destinations) + @($print.Destinations) | Should -Contain ([uri]$BaseUrl).Authority
    $print.Token | Should -BeLike 'ya29.emulator.*'
    # Evidence in the log: how long gcloud takes, and every address it connected or sent to (the emulator, and the
    # closed port its metadata probes are refused at).
    foreach ($call in @{ Name = 'auth login'; Run = $login }, @{ Name = 'auth print-access-token'; Run = $print }) {
        $seen = ($call.Run.Destinations | Group-Object | ForEach-Object { "$($_.Name) x$($_.Count)" }) -join ', '
        Write-Host "gcloud $($call.Name): $([int]$call.Run.Elapsed.TotalMilliseconds) ms; destinations: $(if ($seen) { $seen } else { 'none' })"
    }
    [pscustomobject]@{ Login = $login; Print = $print; TokenInfo = Get-TestTokenInfo -Emulator $Emulator -Token $print.Token }
}

Export-ModuleMember -Function Invoke-TestGcloudLogin, Get-TestGcloudUnavailableReason, New-TestGcloudConfig, Remove-TestGcloudConfig, Invoke-TestGcloud, Get-TestGcloudDestination, Get-TestTokenInfo
