#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Issue 14: the module behind a real authenticating proxy (Squid, TestProxy.psm1) and the emulator over HTTPS.
# Each case runs in a fresh pwsh (Invoke-TestPwsh) whose TLS trust, and only its, includes the emulator's test CA
# (SSL_CERT_FILE), so TLS is verified as in production. sts.test is a name only Squid resolves: a case that
# targets it through a proxy variable first asks the module's own selector, in the child, and refuses to run if the
# request would go directly (the child would then ask DNS for the name). Every packet stays on 127.0.0.1.
# Linux only: Squid comes from Debian's apt (.ci/run installs it).

BeforeDiscovery {
    $script:notLinux = -not $IsLinux
    if ($script:notLinux) { Write-Host 'Proxy.Tests.ps1 is skipped: its Squid comes from Debian''s apt, so it runs on Linux only.' }
}

Describe 'Proxies, through a real Squid' -Skip:$notLinux {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
        Import-Module (Join-Path $PSScriptRoot 'TestProxy.psm1') -Force
        Import-Module $env:STSPOWERSHELL_MODULE -Force
        $script:scene = Enter-TestProxyScene
        $script:emulator = $script:scene.Emulator
        $script:proxy = $script:scene.Proxy
        $script:proxyDisplay = "http://127.0.0.1:$($script:proxy.Port)"

        $script:stsTestUrl = "https://sts.test:$($script:emulator.httpsPort)/v1/token"
        $script:loopbackHttpsUrl = "$($script:emulator.httpsBaseUrl)/v1/token"

        # What every child gets: the test CA, a subject token, the endpoints and the proxy. A case adds its own.
        $script:baseEnvironment = @{
            SSL_CERT_FILE       = $script:emulator.tlsCaFile
            TEST_JWT            = New-TestJwt -Emulator $script:emulator
            TEST_AUDIENCE       = $script:emulator.workloadProvider
            TEST_STS_TEST_URL   = $script:stsTestUrl
            TEST_LOOPBACK_HTTPS = $script:loopbackHttpsUrl
            TEST_LOOPBACK_HTTP  = $script:emulator.tokenEndpoint
            TEST_PROXY          = $script:proxyDisplay
            TEST_PROXY_USER     = $script:proxy.UserName
            TEST_PROXY_PASSWORD = $script:proxy.Password
        }

        # Prepended to every case: the exchange's fixed parameters, the proxy credential, and the guard.
        $script:prelude = @'
$exchange = @{ SubjectToken = $env:TEST_JWT; SubjectTokenType = 'jwt'; Audience = $env:TEST_AUDIENCE; Scope = 'cloud-platform'; MaximumRetryCount = 3; RetryIntervalSec = 0 }
$credential = [pscredential]::new($env:TEST_PROXY_USER, (ConvertTo-SecureString $env:TEST_PROXY_PASSWORD -AsPlainText -Force))
function Assert-Proxied([string] $Url) {
    $route = [StsPowerShell.Core.Http.Proxies.ProxySelector]::Select([uri]$Url, [StsPowerShell.Core.Http.Proxies.ProxySettings]::Automatic, $false)
    if ($route.Kind -ne 'Proxy') { throw "Not run: $Url would go $route, so its name would be looked up in DNS." }
}
'@

        function Invoke-ProxyCase {
            param([string] $Script, [hashtable] $Environment = @{})
            $all = $script:baseEnvironment.Clone()
            foreach ($entry in $Environment.GetEnumerator()) { $all[$entry.Key] = $entry.Value }
            $result = Invoke-TestPwsh -Script ($script:prelude + "`n" + $Script) -Environment $all
            # The proxy's password, as typed and as the Basic header carries it, is in nothing the child showed.
            $shown = ($result | Select-Object Output, Errors, Verbose, Warnings, Information, StdOut, StdErr | ConvertTo-Json -Depth 10 -Compress)
            $basic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("$($script:proxy.UserName):$($script:proxy.Password)"))
            $shown | Should -Not -Match ([regex]::Escape($script:proxy.Password))
            $shown | Should -Not -Match ([regex]::Escape($basic))
            $result
        }

        # The requests Squid received (parsed on arrival, so a finished child's requests are all there).
        function Get-ProxyRequestCount { @(Get-TestProxyRequest -Proxy $script:proxy).Count }
        function Get-ProxyRequestsSince([int] $Count) { @(Get-TestProxyRequest -Proxy $script:proxy) | Select-Object -Skip $Count }

        function Get-ErrorText($Result) { ($Result.Errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Message)" }) -join "`n" }
    }

    AfterAll {
        Exit-TestProxyScene -Scene $script:scene
    }

    Context '-Proxy and -ProxyCredential' {
        It 'tunnels the exchange to https://sts.test by CONNECT with Basic credentials, verifying TLS, and -Verbose names the proxy' {
            $before = Get-ProxyRequestCount
            $result = Invoke-ProxyCase 'Invoke-StsTokenExchange @exchange -TokenEndpoint $env:TEST_STS_TEST_URL -Proxy $env:TEST_PROXY -ProxyCredential $credential -Verbose | Select-Object IssuedTokenType, ExpiresOn'

            Get-ErrorText $result | Should -BeNullOrEmpty
            $result.Output.Count | Should -Be 1
            $result.Output[0].IssuedTokenType | Should -Be 'urn:ietf:params:oauth:token-type:access_token'
            $result.Verbose | Should -Contain "POST $($script:stsTestUrl) through proxy $($script:proxyDisplay) (Proxy parameter) (attempt 1 of 4, timeout 30 s)"
            $connects = @(Get-ProxyRequestsSince $before | Where-Object { $_.Method -eq 'CONNECT' -and $_.Target -eq "sts.test:$($script:emulator.httpsPort)" -and $_.Headers['Proxy-Authorization'] })
            $connects.Count | Should -Be 1
        }

        It 'takes plain-http requests to a loopback server through the proxy too: loopback is direct only without -Proxy' {
            $before = Get-ProxyRequestCount
            $result = Invoke-ProxyCase 'Invoke-StsTokenExchange @exchange -TokenEndpoint $env:TEST_LOOPBACK_HTTP -Proxy $env:TEST_PROXY -ProxyCredential $credential -Verbose | Select-Object IssuedTokenType'

            Get-ErrorText $result | Should -BeNullOrEmpty
            $result.Output.Count | Should -Be 1
            @(Get-ProxyRequestsSince $before | Where-Object { $_.Method -eq 'POST' -and $_.Target -eq $script:emulator.tokenEndpoint -and $_.Headers['Proxy-Authorization'] }).Count | Should -Be 1
        }

        It 'without credentials stops the call on the 407 with ProxyAuthenticationRequired, naming the proxy, not retried, the next input not tried' {
            $before = Get-ProxyRequestCount
            $result = Invoke-ProxyCase @'
$inputs = 1..2 | ForEach-Object { [pscustomobject]@{ SubjectToken = $env:TEST_JWT; SubjectTokenType = 'jwt'; Audience = $env:TEST_AUDIENCE } }
$inputs | Invoke-StsTokenExchange -Scope cloud-platform -TokenEndpoint $env:TEST_STS_TEST_URL -Proxy $env:TEST_PROXY -MaximumRetryCount 3 -RetryIntervalSec 0
'@

            $result.ExitCode | Should -Be 1
            $result.Errors.Count | Should -Be 1
            $result.Errors[0].Terminating | Should -BeTrue
            $result.Errors[0].FullyQualifiedErrorId | Should -Be 'ProxyAuthenticationRequired,StsPowerShell.Commands.InvokeStsTokenExchangeCommand'
            $result.Errors[0].Category | Should -Be 'AuthenticationError'
            $result.Errors[0].Message | Should -BeLike "The proxy $($script:proxyDisplay) (Proxy parameter) answered 407 Proxy Authentication Required for $($script:stsTestUrl): no credentials were sent.*-ProxyCredential*-ProxyUseDefaultCredentials*-NoProxy*"
            @(Get-ProxyRequestsSince $before | Where-Object Method -eq 'CONNECT').Count | Should -Be 1 -Because 'a 407 is not retried, and the second input is not tried'
        }

        It 'with a wrong password says the credentials were refused, and shows neither password' {
            $before = Get-ProxyRequestCount
            $result = Invoke-ProxyCase @'
$wrong = [pscredential]::new($env:TEST_PROXY_USER, (ConvertTo-SecureString "wrong-$env:TEST_PROXY_PASSWORD" -AsPlainText -Force))
Invoke-StsTokenExchange @exchange -TokenEndpoint $env:TEST_STS_TEST_URL -Proxy $env:TEST_PROXY -ProxyCredential $wrong -Verbose
'@

            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ProxyAuthenticationRequired,*'
            $result.Errors[0].Message | Should -BeLike '*the credentials given were refused*'
            # .NET answers the challenge once with the credentials; one attempt, no retries.
            @(Get-ProxyRequestsSince $before | Where-Object Method -eq 'CONNECT').Count | Should -BeLessOrEqual 2
        }

        It 'does not blame the proxy for a 407 the server itself sends inside the tunnel' {
            Add-TestFault -Emulator $script:emulator -Fault @{ status = 407 }
            $result = Invoke-ProxyCase 'Invoke-StsTokenExchange @exchange -TokenEndpoint $env:TEST_STS_TEST_URL -Proxy $env:TEST_PROXY -ProxyCredential $credential'

            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'StsHttpError.407,*'
        }

        It 'stops a url credential source''s request on the 407 too, with the same ErrorId' {
            $folder = Join-Path $script:scene.Home.Folder "url-$([guid]::NewGuid())"
            $null = New-Item -ItemType Directory -Path $folder
            $configuration = New-TestConfiguration -Emulator $script:emulator -Folder $folder -Extra @{
                credential_source = @{ url = "$($script:emulator.baseUrl)/subject-token?format=json&aud=$([uri]::EscapeDataString($script:emulator.workloadProvider))"
                    headers = @{ Metadata = 'true' }; format = @{ type = 'json'; subject_token_field_name = 'access_token' } }
            }
            $result = Invoke-ProxyCase -Environment @{ TEST_CONFIGURATION = $configuration } @'
1, 2 | ForEach-Object { Get-GoogleExternalAccountToken -ConfigurationFile $env:TEST_CONFIGURATION -Force -Proxy $env:TEST_PROXY }
'@

            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -Be 'ProxyAuthenticationRequired,StsPowerShell.Commands.GetGoogleExternalAccountTokenCommand'
            $result.Errors[0].Terminating | Should -BeTrue
        }

        It 'meets the 407 of a plain-http request (the proxy''s own response, not a refused tunnel) with the same error' {
            $result = Invoke-ProxyCase 'Invoke-StsTokenExchange @exchange -TokenEndpoint $env:TEST_LOOPBACK_HTTP -Proxy $env:TEST_PROXY'

            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ProxyAuthenticationRequired,*'
            $result.Errors[0].Message | Should -BeLike "The proxy $($script:proxyDisplay) (Proxy parameter) answered 407*no credentials were sent*"
        }
    }

    Context 'a proxy URL that PowerShell could not convert' {
        It 'is refused by the module, naming -Proxy, and its unencoded password is shown nowhere' {
            $password = 'p@ss:w/rd#?'
            $failure = $null
            try {
                Invoke-StsTokenExchange -TokenEndpoint $script:emulator.tokenEndpoint -SubjectToken 'subject-value' -SubjectTokenType jwt `
                    -Audience $script:emulator.workloadProvider -Proxy "http://user:$password@127.0.0.1:1" -ErrorAction Stop
            }
            catch { $failure = $_ }

            $failure.FullyQualifiedErrorId | Should -Be 'InvalidParameter.Proxy,StsPowerShell.Commands.InvokeStsTokenExchangeCommand'
            ($failure | Format-List * -Force | Out-String) + $failure.Exception.ToString() | Should -Not -Match ([regex]::Escape('p@ss:w/rd'))
        }
    }

    Context 'proxy variables' {
        It 'HTTPS_PROXY with the credentials in its URL: through the proxy, the URL''s password never shown' {
            $before = Get-ProxyRequestCount
            $escaped = [uri]::EscapeDataString($script:proxy.Password)
            $result = Invoke-ProxyCase -Environment @{ HTTPS_PROXY = "http://$($script:proxy.UserName):$escaped@127.0.0.1:$($script:proxy.Port)" } @'
Assert-Proxied $env:TEST_STS_TEST_URL
Invoke-StsTokenExchange @exchange -TokenEndpoint $env:TEST_STS_TEST_URL -Verbose | Select-Object IssuedTokenType
'@

            Get-ErrorText $result | Should -BeNullOrEmpty
            $result.Output.Count | Should -Be 1
            $result.Verbose | Should -Contain "POST $($script:stsTestUrl) through proxy $($script:proxyDisplay) (HTTPS_PROXY) (attempt 1 of 4, timeout 30 s)"
            @(Get-ProxyRequestsSince $before | Where-Object { $_.Method -eq 'CONNECT' -and $_.Headers['Proxy-Authorization'] }).Count | Should -Be 1
        }

        It 'lower-case https_proxy without credentials, with -ProxyCredential for whichever proxy is chosen' {
            $result = Invoke-ProxyCase -Environment @{ https_proxy = "127.0.0.1:$($script:proxy.Port)" } @'
Assert-Proxied $env:TEST_STS_TEST_URL
Invoke-StsTokenExchange @exchange -TokenEndpoint $env:TEST_STS_TEST_URL -ProxyCredential $credential -Verbose | Select-Object IssuedTokenType
'@

            Get-ErrorText $result | Should -BeNullOrEmpty
            $result.Output.Count | Should -Be 1
            $result.Verbose -join "`n" | Should -Match ([regex]::Escape("through proxy $($script:proxyDisplay) (https_proxy)"))
        }

        It 'a NO_PROXY entry sends the request directly: nothing reaches the proxy' {
            $before = Get-ProxyRequestCount
            $result = Invoke-ProxyCase -Environment @{ HTTPS_PROXY = $script:proxyDisplay; NO_PROXY = 'example.org, 127.0.0.1' } @'
Invoke-StsTokenExchange @exchange -TokenEndpoint $env:TEST_LOOPBACK_HTTPS -Verbose | Select-Object IssuedTokenType
'@

            Get-ErrorText $result | Should -BeNullOrEmpty
            $result.Output.Count | Should -Be 1
            $result.Verbose | Should -Contain "POST $($script:loopbackHttpsUrl) directly (NO_PROXY entry '127.0.0.1') (attempt 1 of 4, timeout 30 s)"
            Get-ProxyRequestsSince $before | Should -BeNullOrEmpty
        }

        It '-NoProxy wins over HTTPS_PROXY' {
            $before = Get-ProxyRequestCount
            $result = Invoke-ProxyCase -Environment @{ HTTPS_PROXY = $script:proxyDisplay } @'
Invoke-StsTokenExchange @exchange -TokenEndpoint $env:TEST_LOOPBACK_HTTPS -NoProxy -Verbose | Select-Object IssuedTokenType
'@

            Get-ErrorText $result | Should -BeNullOrEmpty
            $result.Verbose | Should -Contain "POST $($script:loopbackHttpsUrl) directly (NoProxy) (attempt 1 of 4, timeout 30 s)"
            Get-ProxyRequestsSince $before | Should -BeNullOrEmpty
        }

        It 'an unusable HTTPS_PROXY stops the call with ProxyConfigurationInvalid.HTTPS_PROXY, its password not quoted' {
            # A host the variable would carry (loopback never is); the selector must refuse before any connection.
            $result = Invoke-ProxyCase -Environment @{ HTTPS_PROXY = "socks5://user:$($script:proxy.Password)@127.0.0.1:1" } @'
try {
    $null = [StsPowerShell.Core.Http.Proxies.ProxySelector]::Select([uri]$env:TEST_STS_TEST_URL, [StsPowerShell.Core.Http.Proxies.ProxySettings]::Automatic, $false)
    throw 'Not run: the selector accepted the variable, so the request would look sts.test up in DNS.'
}
catch [StsPowerShell.Core.Http.Proxies.ProxyConfigurationException] { }
Invoke-StsTokenExchange @exchange -TokenEndpoint $env:TEST_STS_TEST_URL
'@

            $result.Errors.Count | Should -Be 1
            $result.Errors[0].Terminating | Should -BeTrue
            $result.Errors[0].FullyQualifiedErrorId | Should -Be 'ProxyConfigurationInvalid.HTTPS_PROXY,StsPowerShell.Commands.InvokeStsTokenExchangeCommand'
            $result.Errors[0].Message | Should -BeLike '*HTTPS_PROXY*not a proxy URL*'
        }
    }

    Context 'the Azure Pipelines agent''s proxy' {
        It 'is used in a pipeline (TF_BUILD) with AGENT_PROXYUSERNAME and AGENT_PROXYPASSWORD' {
            $before = Get-ProxyRequestCount
            $result = Invoke-ProxyCase -Environment @{ TF_BUILD = 'True'; AGENT_PROXYURL = $script:proxyDisplay; AGENT_PROXYUSERNAME = $script:proxy.UserName; AGENT_PROXYPASSWORD = $script:proxy.Password } @'
Assert-Proxied $env:TEST_STS_TEST_URL
Invoke-StsTokenExchange @exchange -TokenEndpoint $env:TEST_STS_TEST_URL -Verbose | Select-Object IssuedTokenType
'@

            Get-ErrorText $result | Should -BeNullOrEmpty
            $result.Output.Count | Should -Be 1
            $result.Verbose -join "`n" | Should -Match ([regex]::Escape("through proxy $($script:proxyDisplay) (Azure Pipelines agent proxy, AGENT_PROXYURL)"))
            @(Get-ProxyRequestsSince $before | Where-Object { $_.Method -eq 'CONNECT' -and $_.Headers['Proxy-Authorization'] }).Count | Should -Be 1
        }

        It 'is bypassed for a host an AGENT_PROXYBYPASSLIST expression matches' {
            $before = Get-ProxyRequestCount
            $result = Invoke-ProxyCase -Environment @{ TF_BUILD = 'True'; AGENT_PROXYURL = $script:proxyDisplay; AGENT_PROXYBYPASSLIST = '["\\.corp\\.example$", "^127\\.0\\.0\\.1$"]' } @'
Invoke-StsTokenExchange @exchange -TokenEndpoint $env:TEST_LOOPBACK_HTTPS -Verbose | Select-Object IssuedTokenType
'@

            Get-ErrorText $result | Should -BeNullOrEmpty
            $result.Verbose -join "`n" | Should -Match ([regex]::Escape("directly (AGENT_PROXYBYPASSLIST pattern '^127\.0\.0\.1$')"))
            Get-ProxyRequestsSince $before | Should -BeNullOrEmpty
        }
    }

    Context 'cloud metadata' {
        It 'reaches AWS instance metadata directly while -Proxy is set, and the exchange through the proxy' {
            $before = Get-ProxyRequestCount
            $result = Invoke-ProxyCase -Environment @{ AWS_EC2_METADATA_SERVICE_ENDPOINT = $script:emulator.baseUrl } @'
$aws = New-AwsCallerIdentityToken -Audience $env:TEST_AUDIENCE -Region us-east-1 -Proxy $env:TEST_PROXY -ProxyCredential $credential -Verbose
$aws | Invoke-StsTokenExchange -Scope cloud-platform -TokenEndpoint $env:TEST_STS_TEST_URL -Proxy $env:TEST_PROXY -ProxyCredential $credential -Verbose | Select-Object IssuedTokenType
'@

            Get-ErrorText $result | Should -BeNullOrEmpty
            $result.Output.Count | Should -Be 1
            $metadata = @($result.Verbose | Where-Object { $_ -like "* $($script:emulator.baseUrl)/latest/*" })
            $metadata.Count | Should -BeGreaterThan 0
            $metadata | ForEach-Object { $_ | Should -BeLike '* directly (cloud metadata or local identity endpoint) *' }
            $requests = @(Get-ProxyRequestsSince $before)
            $requests | Where-Object { $_.Target -like '*/latest/*' } | Should -BeNullOrEmpty
            @($requests | Where-Object { $_.Method -eq 'CONNECT' -and $_.Target -eq "sts.test:$($script:emulator.httpsPort)" }).Count | Should -BeGreaterThan 0
        }
    }
}
