#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Hostile input through the cmdlets (issue 12): values that contain themselves, secrets in an answer's extra
# fields, tokens too long for a SecureString, text a header cannot carry, a byte order mark on an answer, and the
# blank or malformed values that must be refused before anything is sent. Against the STS emulator on 127.0.0.1.

BeforeAll {
    Import-Module $env:STSPOWERSHELL_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
    $script:emulator = Start-TestStsEmulator
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid())
    New-Item -ItemType Directory -Path $script:folder | Out-Null
    $script:exchange = @{
        TokenEndpoint    = $script:emulator.TokenEndpoint
        SubjectTokenType = 'jwt'
        Audience         = $script:emulator.WorkloadProvider
        Scope            = 'https://www.googleapis.com/auth/cloud-platform'
        RetryIntervalSec = 0
    }

    function Get-Failure {
        param([scriptblock] $Call)
        try { & $Call | Out-Null } catch { return $_ }
        $null
    }

    # A 200 answer carrying the given fields besides a valid access token.
    function Add-AnswerFault {
        param([hashtable] $Fields)
        $answer = @{ access_token = 'plain-access-token'; issued_token_type = 'urn:ietf:params:oauth:token-type:access_token'; token_type = 'Bearer'; expires_in = 3600 }
        foreach ($key in $Fields.Keys) { $answer[$key] = $Fields[$key] }
        Add-TestFault -Emulator $script:emulator -Fault @{ status = 200; body = ($answer | ConvertTo-Json -Compress) }
    }
}

AfterAll {
    Remove-Item -Recurse -Force $script:folder -ErrorAction SilentlyContinue
    if ($script:emulator) { Stop-TestStsEmulator -Emulator $script:emulator }
}

Describe 'Values that contain themselves' {
    BeforeAll {
        # In a child process: before the fix the stack overflowed, which kills the process with no catch or finally.
        $script:child = {
            param($ModulePath, $TokenEndpoint)
            Import-Module $ModulePath
            $common = @{ TokenEndpoint = $TokenEndpoint; SubjectToken = 'subject-value'; SubjectTokenType = 'jwt'; Audience = 'aud'; RetryIntervalSec = 0 }
            $table = @{}; $table.self = $table
            $list = [System.Collections.ArrayList]::new(); $list.Add($list) | Out-Null
            $header = @{}; $header.inner = $header
            $deep = @{}; $level = $deep
            foreach ($i in 1..100000) { $level.next = @{}; $level = $level.next }
            $cases = [ordered]@{
                'Options hashtable' = @{ Options = $table }
                'Options list'      = @{ Options = @{ list = $list } }
                'Options depth'     = @{ Options = $deep }
                'header value'      = @{ AdditionalHeader = @{ 'X-Loop' = $header } }
            }
            foreach ($case in $cases.GetEnumerator()) {
                $parameters = $case.Value
                $id = try { Invoke-StsTokenExchange @common @parameters -ErrorAction Stop | Out-Null; 'none' } catch { $_.FullyQualifiedErrorId.Split(',')[0] }
                "$($case.Key)=$id"
            }
        }
    }

    It 'refuses them naming the parameter, sends nothing, and the process survives' {
        $before = Get-TestRequestCount -Emulator $script:emulator
        $host_ = [Environment]::GetCommandLineArgs()[0]
        $command = "& { $($script:child) } '$env:STSPOWERSHELL_MODULE' '$($script:emulator.TokenEndpoint)'"
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($command))
        $output = if ($host_ -like '*.dll') { & dotnet $host_ -NoProfile -NonInteractive -EncodedCommand $encoded 2>$null } else { & $host_ -NoProfile -NonInteractive -EncodedCommand $encoded 2>$null }
        $LASTEXITCODE | Should -Be 0
        $output | Should -Be @(
            'Options hashtable=InvalidParameter.Options',
            'Options list=InvalidParameter.Options',
            'Options depth=InvalidParameter.Options',
            'header value=InvalidParameter.AdditionalHeader')
        (Get-TestRequestCount -Emulator $script:emulator) | Should -Be $before
    }
}

Describe 'Secrets among an answer''s extra fields' {
    BeforeAll {
        $script:idToken = 'id-token-' + [guid]::NewGuid()
        $script:clientSecret = 'client-secret-' + [guid]::NewGuid()
    }

    It 'holds fields named as credentials in SecureString, so no output shows them' {
        Add-AnswerFault @{ id_token = $script:idToken; issued_client_secret = $script:clientSecret; region = 'europe-west1' }
        $token = Invoke-StsTokenExchange @exchange -SubjectToken 'subject-value'
        $token.AdditionalFields['id_token'] | Should -BeOfType ([securestring])
        $token.AdditionalFields['issued_client_secret'] | Should -BeOfType ([securestring])
        $token.AdditionalFields['region'] | Should -Be 'europe-west1'

        $clixml = Join-Path $script:folder 'token.xml'
        $exported = try { $token | Export-Clixml -Path $clixml; Get-Content -Raw $clixml } catch { '' }
        foreach ($shown in ($token | ConvertTo-Json -Depth 5), $exported, ($token | Format-List * | Out-String), ($token.AdditionalFields | Format-Table | Out-String)) {
            $shown | Should -Not -Match $script:idToken
            $shown | Should -Not -Match $script:clientSecret
        }
    }

    It 'gives them as text with -AsPlainText' {
        Add-AnswerFault @{ id_token = $script:idToken }
        $token = Invoke-StsTokenExchange @exchange -SubjectToken 'subject-value' -AsPlainText
        $token.AdditionalFields['id_token'] | Should -BeExactly $script:idToken
    }
}

Describe 'Input the module cannot hold or send' {
    It 'refuses a token longer than a SecureString holds with a typed error, and -AsPlainText then reuses it' {
        $long = 'L' * 70000
        Add-AnswerFault @{ access_token = $long }
        $before = Get-TestRequestCount -Emulator $script:emulator
        $reuse = @{ SubjectToken = 'long-token-subject-' + [guid]::NewGuid(); ReuseToken = $true }
        $failure = Get-Failure { Invoke-StsTokenExchange @exchange @reuse -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike 'StsInvalidResponse,*'
        $failure.Exception.Message | Should -Match '65536.*-AsPlainText'
        $failure.Exception.Message | Should -Not -Match $long
        # The token was issued; asked for as text, the session's copy is given without a second exchange.
        (Invoke-StsTokenExchange @exchange @reuse -AsPlainText).AccessToken | Should -BeExactly $long
        (Get-TestRequestCount -Emulator $script:emulator) | Should -Be ($before + 1)
    }

    It 'refuses a refresh token longer than a SecureString holds with the same error' {
        Add-AnswerFault @{ refresh_token = 'R' * 70000 }
        $failure = Get-Failure { Invoke-StsTokenExchange @exchange -SubjectToken 'subject-value' -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike 'StsInvalidResponse,*'
        $failure.Exception.Message | Should -Match 'refresh token'
    }

    It 'refuses <Case> in -Options naming the parameter' -ForEach @(
        @{ Case = 'NaN'; Value = [double]::NaN }
        @{ Case = 'infinity'; Value = [double]::PositiveInfinity }
        @{ Case = 'a number past decimal''s range'; Value = 1e300 }
    ) {
        $failure = Get-Failure { Invoke-StsTokenExchange @exchange -SubjectToken 'subject-value' -Options @{ n = $Value } -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidParameter.Options,*'
    }

    It 'refuses a header value of <Case> before sending' -ForEach @(
        @{ Case = 'non-ASCII text'; Value = "caf$([char]0xE9)" }
        @{ Case = 'a line break'; Value = "a`r`nInjected: 1" }
        @{ Case = 'an escape character'; Value = "a$([char]0x1B)[31m" }
        @{ Case = 'a hashtable'; Value = @{ nested = 'x' } }
        @{ Case = 'a list'; Value = @('a', 'b') }
        @{ Case = 'null'; Value = $null }
        @{ Case = 'a date'; Value = [datetime]'2020-01-01' }
    ) {
        $before = Get-TestRequestCount -Emulator $script:emulator
        $failure = Get-Failure { Invoke-StsTokenExchange @exchange -SubjectToken 'subject-value' -AdditionalHeader @{ 'X-Value' = $Value } -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidParameter.AdditionalHeader,*'
        (Get-TestRequestCount -Emulator $script:emulator) | Should -Be $before
    }
}

Describe 'Headers' {
    It 'are refused once for the whole pipeline, before the first input' {
        $before = Get-TestRequestCount -Emulator $script:emulator
        $caught = @()
        try { 'subject-one', 'subject-two' | Invoke-StsTokenExchange @exchange -AdditionalHeader @{ 'X-Value' = @{ nested = 'x' } } }
        catch { $caught += $_ }
        $caught.Count | Should -Be 1
        $caught[0].FullyQualifiedErrorId | Should -BeLike 'InvalidParameter.AdditionalHeader,*'
        $caught[0].Exception.Message | Should -BeLike "The header value of 'X-Value' must be a string or a number, not Hashtable.*"
        (Get-TestRequestCount -Emulator $script:emulator) | Should -Be $before
    }
}

Describe 'Consistency' {
    It 'refuses a white-space-only <Name> before sending' -ForEach @(
        @{ Name = 'SubjectToken'; Parameters = @{ SubjectToken = " `t`r`n " } }
        @{ Name = 'WorkforcePoolUserProject'; Parameters = @{ SubjectToken = 'subject-value'; WorkforcePoolUserProject = '   ' } }
    ) {
        $before = Get-TestRequestCount -Emulator $script:emulator
        $failure = Get-Failure { Invoke-StsTokenExchange @exchange @Parameters -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike "InvalidParameter.$Name,*"
        (Get-TestRequestCount -Emulator $script:emulator) | Should -Be $before
    }

    It 'reads an OAuth error answer that starts with a byte order mark' {
        Add-TestFault -Emulator $script:emulator -Fault @{ status = 400; body = "$([char]0xFEFF){`"error`":`"invalid_grant`",`"error_description`":`"refused`"}" }
        $failure = Get-Failure { Invoke-StsTokenExchange @exchange -SubjectToken 'subject-value' -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike 'StsOAuthError.invalid_grant,*'
    }

    It 'reads a token answer that starts with a byte order mark' {
        Add-TestFault -Emulator $script:emulator -Fault @{ status = 200; body = "$([char]0xFEFF){`"access_token`":`"bom-token`",`"token_type`":`"Bearer`",`"expires_in`":3600}" }
        (Invoke-StsTokenExchange @exchange -SubjectToken 'subject-value' -AsPlainText).AccessToken | Should -BeExactly 'bom-token'
    }

    Context 'a token that is not an StsToken reaches the impersonation cmdlets' {
        BeforeAll {
            $script:impersonate = @{ ServiceAccount = $script:emulator.serviceAccount; IamCredentialsEndpoint = $script:emulator.iamCredentialsEndpoint; RetryIntervalSec = 0; WarningAction = 'SilentlyContinue' }
            $script:federated = Invoke-StsTokenExchange @exchange -SubjectToken (New-TestJwt -Emulator $script:emulator) -AsPlainText
        }

        It 'binds a [pscustomobject] whose AccessToken is a SecureString' {
            $object = [pscustomobject]@{ AccessToken = ConvertTo-SecureString $script:federated.AccessToken -AsPlainText -Force }
            ($object | New-GoogleServiceAccountAccessToken @impersonate).AccessToken | Should -BeOfType ([securestring])
        }

        It 'binds a token that went through ConvertTo-Json and back' {
            $object = $script:federated | ConvertTo-Json -Depth 5 | ConvertFrom-Json
            ($object | New-GoogleServiceAccountIdToken @impersonate -Audience https://service.example).AccessToken | Should -BeOfType ([securestring])
        }

        It 'binds a token that went through Export-Clixml and Import-Clixml' {
            $path = Join-Path $script:folder 'federated.xml'
            $secure = Invoke-StsTokenExchange @exchange -SubjectToken (New-TestJwt -Emulator $script:emulator)
            $exported = try { $secure | Export-Clixml -Path $path; $true } catch { $false }
            $object = if ($exported) { Import-Clixml -Path $path } else { $script:federated | Export-Clixml -Path $path; Import-Clixml -Path $path }
            ($object | New-GoogleServiceAccountAccessToken @impersonate).AccessToken | Should -BeOfType ([securestring])
        }
    }

    It 'refuses a universe_domain that is not a DNS name, naming the field, before sending' {
        $saved = Clear-TestEnvironment
        try {
            $path = New-TestConfiguration -Emulator $script:emulator -Folder $script:folder -Extra @{ universe_domain = 'evil.example/steal?x=' }
            $before = Get-TestRequestCount -Emulator $script:emulator
            $failure = Get-Failure { Get-GoogleExternalAccountToken -ConfigurationFile $path -ErrorAction Stop }
            $failure.FullyQualifiedErrorId | Should -BeLike 'ExternalAccountConfigurationInvalid,*'
            $failure.Exception.Message | Should -Match "'universe_domain' is not a DNS name"
            (Get-TestRequestCount -Emulator $script:emulator) | Should -Be $before
        }
        finally {
            Restore-TestEnvironment -Saved $saved
        }
    }
}

Describe 'Log injection through server text (issue 12, class 6)' {
    # Azure Pipelines obeys ##vso[ anywhere in a line, GitHub Actions :: at a line's start; a server must not be able
    # to start either through an error message, under either error view.
    It 'shows no logging command and no raw control character under $ErrorView = <View>' -ForEach @(
        @{ View = 'NormalView' }
        @{ View = 'ConciseView' }
    ) {
        $description = "refused`r`n##vso[task.setvariable variable=pwned]yes`n::add-mask::x`e[31m"
        Add-TestFault -Emulator $script:emulator -Fault @{ status = 400; body = (@{ error = "invalid_request`n::set-output name=x::y"; error_description = $description } | ConvertTo-Json) }
        $ErrorView = $View
        $null = Invoke-StsTokenExchange -TokenEndpoint $script:emulator.tokenEndpoint -SubjectToken 'subject-token-value' -SubjectTokenType jwt `
            -Audience $script:emulator.workloadProvider -MaximumRetryCount 0 -ErrorAction SilentlyContinue -ErrorVariable failures

        $shown = ($failures[0] | Out-String -Width 4096)
        $lines = $shown -split "`r?`n"
        $lines | Where-Object { $_ -match '##vso\[' -or $_ -match '^\s*::' -or $_ -match '##\[' } | Should -BeNullOrEmpty
        $shown | Should -Not -Match "`e\[31m"
        $failures[0].FullyQualifiedErrorId | Should -Match '^StsOAuthError\.[A-Za-z0-9_.-]{1,64},'
    }
}
