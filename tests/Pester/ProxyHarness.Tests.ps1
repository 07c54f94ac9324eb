#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The harness for issue 14 (enterprise HTTP proxies), items 7 and 8, tested on its own before any module test
# relies on it: the emulator over HTTPS with a test CA, a private Squid with Basic authentication
# (TestProxy.psm1), and a child pwsh whose TLS trust, and only its, includes the test CA. sts.test is reached
# through Squid only, which resolves it from its own hosts file: neither curl nor pwsh ever resolves it.
# Linux only: Squid comes from Debian's apt (.ci/run installs it); elsewhere every test here is skipped.

BeforeDiscovery {
    $script:notLinux = -not $IsLinux
    if ($script:notLinux) { Write-Host 'ProxyHarness.Tests.ps1 is skipped: its Squid comes from Debian''s apt, so it runs on Linux only.' }
}

Describe 'The proxy harness' -Skip:$notLinux {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
        Import-Module (Join-Path $PSScriptRoot 'TestProxy.psm1') -Force
        $script:scene = Enter-TestProxyScene
        $script:emulator = $script:scene.Emulator
        $script:proxy = $script:scene.Proxy

        # A GET route that answers JSON and changes nothing, by a name only Squid can resolve.
        $script:httpsPort = $script:emulator.httpsPort
        $script:url = "https://sts.test:$($script:httpsPort)/emulator/requests"

        # curl through the proxy; returns ExitCode, ConnectStatus (Squid's answer to CONNECT), Status (the
        # emulator's), Body and Error. --noproxy '' so that no NO_PROXY entry can send curl to sts.test directly,
        # and --resolve so that even then curl would not ask DNS for it (the access log assertions would catch it).
        function Invoke-Curl {
            param([string] $ProxyUser, [switch] $NoCaFile)
            $arguments = @('--silent', '--show-error', '--noproxy', '', '--proxy', $script:proxy.Url,
                '--resolve', "sts.test:$($script:httpsPort):127.0.0.1", '--write-out', '\nstatus: %{http_connect} %{http_code}\n')
            if (-not $NoCaFile) { $arguments += '--cacert', $script:emulator.tlsCaFile }
            if ($ProxyUser) { $arguments += '--proxy-user', $ProxyUser }
            $records = @(& curl @arguments $script:url 2>&1)
            $exitCode = $LASTEXITCODE
            $stdout = @($records | Where-Object { $_ -isnot [Management.Automation.ErrorRecord] } | ForEach-Object { "$_" })
            $codes = @($stdout | Where-Object { $_ -like 'status: *' })[-1] -split ' '
            [pscustomobject]@{
                ExitCode      = $exitCode
                ConnectStatus = [int]$codes[1]
                Status        = [int]$codes[2]
                Body          = ($stdout | Where-Object { $_ -notlike 'status: *' }) -join "`n"
                Error         = ($records | Where-Object { $_ -is [Management.Automation.ErrorRecord] } | ForEach-Object { "$_" }) -join "`n"
            }
        }

        # The CONNECT to the emulator's HTTPS port with this status logged since then (waits for it, bounded).
        function Get-ConnectEntry {
            param([datetimeoffset] $Since, [int] $Status)
            $port = $script:httpsPort
            Wait-TestProxyLog -Proxy $script:proxy -Where {
                $_.Method -eq 'CONNECT' -and $_.Host -eq 'sts.test' -and $_.Port -eq $port -and $_.Status -eq $Status -and $_.Time -ge $Since
            }.GetNewClosure()
        }

        # Squid logs whole milliseconds, truncated: start a millisecond early.
        function Get-Now { [DateTimeOffset]::UtcNow.AddMilliseconds(-1) }

        $script:childScript = @'
$credential = [pscredential]::new($env:TEST_PROXY_USER, (ConvertTo-SecureString $env:TEST_PROXY_PASSWORD -AsPlainText -Force))
Invoke-RestMethod -Uri $env:TEST_URL -Proxy $env:TEST_PROXY -ProxyCredential $credential -Verbose
'@
        $script:childEnvironment = @{
            TEST_URL            = $script:url
            TEST_PROXY          = $script:proxy.Url
            TEST_PROXY_USER     = $script:proxy.UserName
            TEST_PROXY_PASSWORD = $script:proxy.Password
        }
    }

    AfterAll {
        Exit-TestProxyScene -Scene $script:scene
    }

    Context 'curl through Squid' {
        It 'with the right credentials tunnels to sts.test by CONNECT and verifies the emulator against the test CA' {
            $since = Get-Now
            $result = Invoke-Curl -ProxyUser "$($script:proxy.UserName):$($script:proxy.Password)"

            $result.Body | Should -Match '"count"'
            $result.ExitCode | Should -Be 0
            $result.ConnectStatus | Should -Be 200
            $result.Status | Should -Be 200
            $entry = @(Get-ConnectEntry -Since $since -Status 200)
            $entry[0].Result | Should -Be 'TCP_TUNNEL'
            $entry[0].User | Should -Be $script:proxy.UserName
            $entry[0].Server | Should -Be "127.0.0.1:$($script:httpsPort)"
            # As it arrived, with the credentials curl sent.
            $basic = 'Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("$($script:proxy.UserName):$($script:proxy.Password)"))
            Get-TestProxyRequest -Proxy $script:proxy |
                Where-Object { $_.Method -eq 'CONNECT' -and $_.Target -eq "sts.test:$($script:httpsPort)" -and $_.Headers['Proxy-Authorization'] -eq $basic } |
                Should -Not -BeNullOrEmpty
        }

        It 'without the test CA refuses the emulator''s certificate (the system store does not trust it)' {
            $result = Invoke-Curl -ProxyUser "$($script:proxy.UserName):$($script:proxy.Password)" -NoCaFile

            $result.ExitCode | Should -Be 60 -Because "curl exits with 60 when it cannot verify the server certificate ($($result.Error))"
            $result.ConnectStatus | Should -Be 200
        }

        It 'without credentials gets 407 from Squid and no tunnel' {
            $since = Get-Now
            $result = Invoke-Curl

            $result.ConnectStatus | Should -Be 407
            $result.Status | Should -Be 0 -Because 'no response came from the emulator'
            $result.ExitCode | Should -Not -Be 0
            (Get-ConnectEntry -Since $since -Status 407)[0].Result | Should -Be 'TCP_DENIED'
        }

        It 'with a wrong password gets 407 from Squid and no tunnel' {
            $since = Get-Now
            $result = Invoke-Curl -ProxyUser "$($script:proxy.UserName):not-$($script:proxy.Password)"

            $result.ConnectStatus | Should -Be 407
            $result.Status | Should -Be 0
            $result.ExitCode | Should -Not -Be 0
            (Get-ConnectEntry -Since $since -Status 407)[0].Result | Should -Be 'TCP_DENIED'
            Get-TestProxyLog -Proxy $script:proxy | Where-Object { $_.Time -ge $since -and $_.Status -eq 200 } | Should -BeNullOrEmpty
        }
    }

    Context 'a child pwsh (Invoke-TestPwsh) using PowerShell''s own Invoke-RestMethod' {
        It 'with SSL_CERT_FILE naming the test CA reaches the route through Squid with -Proxy and -ProxyCredential' {
            $since = Get-Now
            $environment = $script:childEnvironment.Clone()
            $environment.SSL_CERT_FILE = $script:emulator.tlsCaFile
            $result = Invoke-TestPwsh -Script $script:childScript -Environment $environment

            $result.Errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Message) $($_.InnerMessages)" } | Should -BeNullOrEmpty
            $result.ExitCode | Should -Be 0
            $result.Output.Count | Should -Be 1
            $result.Output[0].count | Should -BeGreaterOrEqual 0
            $result.Verbose -join "`n" | Should -Match 'GET'
            (Get-ConnectEntry -Since $since -Status 200)[0].User | Should -Be $script:proxy.UserName
        }

        It 'without SSL_CERT_FILE fails TLS validation of the same route: the trust is the child''s alone' {
            $since = Get-Now
            $result = Invoke-TestPwsh -Script $script:childScript -Environment $script:childEnvironment

            $result.ExitCode | Should -Be 1
            $result.Output | Should -BeNullOrEmpty
            $result.Errors.Count | Should -Be 1
            $result.Errors[0].Terminating | Should -BeTrue
            $result.Errors[0].ExceptionType | Should -Be 'System.Net.Http.HttpRequestException'
            $result.Errors[0].InnerMessages -join "`n" | Should -Match 'certificate chain'
            # The tunnel was made: what failed is the certificate, not the proxy.
            (Get-ConnectEntry -Since $since -Status 200)[0].User | Should -Be $script:proxy.UserName
        }
    }
}
