#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The gcloud harness for issue 16, item 7 (TestGcloud.psm1), proved with hand-written external_account files
# before any exported file relies on it: each credential source gcloud supports, against the emulator, every
# endpoint a loopback URL (token_url, token_info_url, service_account_impersonation_url, the sources' own), and
# every connection gcloud makes checked by strace. Skipped where gcloud or strace is missing, and off Linux.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestGcloud.psm1') -Force
    $script:unavailable = Get-TestGcloudUnavailableReason
    if ($script:unavailable) { Write-Host "GcloudHarness.Tests.ps1 is skipped: $script:unavailable" }
}

Describe 'The gcloud harness' -Skip:([bool]$unavailable) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
        Import-Module (Join-Path $PSScriptRoot 'TestGcloud.psm1') -Force
        $script:emulator = Start-TestStsEmulator
        $script:emulatorAddress = ([uri]$script:emulator.baseUrl).Authority
        $script:folder = Join-Path ([IO.Path]::GetTempPath()) "gcloud-files-$([guid]::NewGuid())"
        $null = New-Item -ItemType Directory -Path $script:folder
        $script:principal = 'principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/emulator-pool/subject/'
    }

    AfterAll {
        if ($script:emulator) { Stop-TestStsEmulator -Emulator $script:emulator }
        if ($script:folder) { Remove-Item -LiteralPath $script:folder -Recurse -Force -ErrorAction SilentlyContinue }
    }

    # A fresh configuration per test: the access token cache would otherwise answer for the same principal.
    BeforeEach { $script:config = New-TestGcloudConfig }
    AfterEach { Remove-TestGcloudConfig -Config $script:config }

    It 'a file source: login names the principal by introspection, and the token is one the emulator issued to gcloud' {
        $file = New-TestConfiguration -Emulator $script:emulator -Folder $script:folder
        $run = Invoke-TestGcloudLogin -Config $script:config -Emulator $script:emulator -File $file
        $run.Login.StdErr | Should -Match ([regex]::Escape("Authenticated with external account credentials for: [$($script:principal)jwt-subject]."))
        $run.TokenInfo.active | Should -BeTrue
        $run.TokenInfo.username | Should -Be "$($script:principal)jwt-subject"
        $run.TokenInfo.client_id | Should -Be $script:emulator.gcloudClientId
    }

    It 'service_account_impersonation_url: the account is the service account, and the token its own' {
        $impersonation = "$($script:emulator.iamCredentialsEndpoint)/v1/projects/-/serviceAccounts/$($script:emulator.serviceAccount):generateAccessToken"
        $file = New-TestConfiguration -Emulator $script:emulator -Folder $script:folder -Extra @{ service_account_impersonation_url = $impersonation }
        $run = Invoke-TestGcloudLogin -Config $script:config -Emulator $script:emulator -File $file
        $run.Login.StdErr | Should -Match ([regex]::Escape("credentials for: [$($script:emulator.serviceAccount)]."))
        $run.TokenInfo.active | Should -BeTrue
        $run.TokenInfo.username | Should -Be $script:emulator.serviceAccount
    }

    It 'a url source: the subject token comes from the emulator''s url with the file''s headers' {
        $source = @{ url = "$($script:emulator.baseUrl)/subject-token?format=json"; headers = @{ Metadata = 'true' }; format = @{ type = 'json'; subject_token_field_name = 'access_token' } }
        $file = New-TestConfiguration -Emulator $script:emulator -Folder $script:folder -Extra @{ credential_source = $source }
        $run = Invoke-TestGcloudLogin -Config $script:config -Emulator $script:emulator -File $file
        $run.TokenInfo.active | Should -BeTrue
        $run.TokenInfo.username | Should -Be "$($script:principal)jwt-subject"
    }

    Context 'an executable source' {
        BeforeAll {
            # /bin/sh prints Google's executable response around a JWT that exists nowhere else.
            $response = [ordered]@{
                version         = 1
                success         = $true
                token_type      = 'urn:ietf:params:oauth:token-type:jwt'
                id_token        = New-TestJwt -Emulator $script:emulator
                expiration_time = [DateTimeOffset]::UtcNow.AddHours(1).ToUnixTimeSeconds()
            } | ConvertTo-Json -Compress
            $script:scriptPath = Join-Path $script:folder 'executable-source.sh'
            Set-Content -LiteralPath $script:scriptPath -Value "printf '%s' '$response'"
            $source = @{ executable = @{ command = "/bin/sh $($script:scriptPath)"; timeout_millis = 30000 } }
            $script:executableFile = New-TestConfiguration -Emulator $script:emulator -Folder $script:folder -Extra @{ credential_source = $source }
        }

        It 'runs with GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1' {
            $run = Invoke-TestGcloudLogin -Config $script:config -Emulator $script:emulator -File $script:executableFile -Environment @{ GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES = '1' }
            $run.TokenInfo.active | Should -BeTrue
            $run.TokenInfo.username | Should -Be "$($script:principal)jwt-subject"
        }

        It 'is refused without GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES' {
            $login = Invoke-TestGcloud -Config $script:config -Arguments 'auth', 'login', "--cred-file=$($script:executableFile)"
            $login.ExitCode | Should -Not -Be 0
            $login.StdErr | Should -Match 'GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES'
        }
    }

    It 'an aws1 source: region and keys from the emulator''s metadata, never from this machine''s AWS variables' {
        # Keys and a region the emulator does not know: had they reached gcloud, it would have signed with them
        # (google-auth prefers them to the metadata) and the emulator would have refused the signature.
        $saved = Clear-TestEnvironment -Name AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_DEFAULT_REGION
        try {
            $env:AWS_ACCESS_KEY_ID = 'AKIAMACHINEKEY000000'
            $env:AWS_SECRET_ACCESS_KEY = 'machine/secret/that/must/not/leak/000000'
            $env:AWS_REGION = 'eu-north-1'
            $metadata = $script:emulator.baseUrl
            $source = @{
                environment_id                 = 'aws1'
                region_url                     = "$metadata/latest/meta-data/placement/availability-zone"
                url                            = "$metadata/latest/meta-data/iam/security-credentials"
                imdsv2_session_token_url       = "$metadata/latest/api/token"
                # Only signed into the subject token, never requested.
                regional_cred_verification_url = 'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15'
            }
            $file = New-TestConfiguration -Emulator $script:emulator -Folder $script:folder -Extra @{
                credential_source = $source; subject_token_type = 'urn:ietf:params:aws:token-type:aws4_request'
            }
            $run = Invoke-TestGcloudLogin -Config $script:config -Emulator $script:emulator -File $file
            $run.TokenInfo.active | Should -BeTrue
            $run.TokenInfo.username | Should -Be "$($script:principal)aws-subject"
        }
        finally {
            Restore-TestEnvironment -Saved $saved
        }
    }

    It 'the strace check flags what gcloud sent before the metadata settings: a DNS query for metadata.google.internal' {
        # Lines strace wrote for gcloud 528 auth login when only CLOUDSDK_CORE_CHECK_GCE_METADATA was off (no packet
        # is sent here to show it: the record is replayed).
        $record = Join-Path $script:config.Folder 'replayed-strace.txt'
        Set-Content -LiteralPath $record -Value @(
            '11767 connect(5, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0'
            '11767 sendmmsg(5, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="\3545\1\0\0\1\0\0\0\0\0\0\10metadata\6google\10internal\0\0\1\0\1", iov_len=42}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=42}], 2, MSG_NOSIGNAL) = 2'
            '11767 sendto(6, "x", 1, 0, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::53", &sin6_addr), sin6_scope_id=0}, 28) = 1'
            '11767 connect(7, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = 0'
            '11768 connect(9, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)'
            '11769 connect(10, {sa_family=AF_INET6, sin6_port=htons(35711), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6_addr), sin6_scope_id=0}, 28) = 0'
            "11596 connect(5, {sa_family=AF_INET, sin_port=htons(46771), sin_addr=inet_addr(`"127.0.0.1`")}, 16) = -1 EINPROGRESS (Operation now in progress)"
            '11596 connect(8, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0')
        $found = Get-TestGcloudDestination -TracePath $record
        @($found | Where-Object { -not $_.Local } | ForEach-Object Destination) | Should -Be '10.255.255.53:53', '[2001:db8::53]:53', 'unix:/var/run/nscd/socket'
        # No name service daemon to reach (ENOENT) and .NET's IPv4-mapped loopback are local.
        @($found | Where-Object Local | ForEach-Object Destination) | Should -Be 'unix:/var/run/nscd/socket', '[::ffff:127.0.0.1]:35711', '127.0.0.1:46771', '[::1]:80'
    }
}
