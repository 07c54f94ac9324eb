#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The contract of Invoke-StsTokenExchange with PowerShell, against the STS emulator on 127.0.0.1.
# Run through tests/Pester/Invoke-PesterTests.ps1 (or build.ps1 -Test), which sets the module and emulator paths.

BeforeAll {
    Import-Module $env:STSPOWERSHELL_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
    $script:emulator = Start-TestStsEmulator
    $script:exchange = @{
        TokenEndpoint     = $script:emulator.TokenEndpoint
        SubjectTokenType  = 'jwt'
        Audience          = $script:emulator.WorkloadProvider
        Scope             = 'https://www.googleapis.com/auth/cloud-platform'
        RetryIntervalSec  = 0
    }
}

AfterAll {
    if ($script:emulator) { Stop-TestStsEmulator -Emulator $script:emulator }
    Remove-Module StsPowerShell -ErrorAction SilentlyContinue
}

Describe 'The module' {
    It 'exports exactly its cmdlets' {
        # The manifest's list, which ModuleExperience.Tests.ps1 holds against the assembly's cmdlet classes.
        $exported = @((Test-ModuleManifest $env:STSPOWERSHELL_MODULE).ExportedCmdlets.Keys | Sort-Object)
        $exported | Should -Contain 'Invoke-StsTokenExchange'
        @((Get-Command -Module StsPowerShell).Name | Sort-Object) | Should -Be $exported
    }

    It 'declares the output type' {
        (Get-Command Invoke-StsTokenExchange).OutputType.Type | Should -Be ([StsPowerShell.StsToken])
    }

    It 'can be imported again in the same session' {
        { Import-Module $env:STSPOWERSHELL_MODULE -Force } | Should -Not -Throw
        Get-Command Invoke-StsTokenExchange | Should -Not -BeNullOrEmpty
    }
}

Describe 'Invoke-StsTokenExchange' {
    It 'exchanges a JWT for an access token held in a SecureString' {
        $token = Invoke-StsTokenExchange @exchange -SubjectToken (New-TestJwt -Emulator $script:emulator)

        $token | Should -BeOfType ([StsPowerShell.StsToken])
        $token.AccessToken | Should -BeOfType ([securestring])
        $token.IssuedTokenType | Should -Be 'urn:ietf:params:oauth:token-type:access_token'
        $token.TokenType | Should -Be 'Bearer'
        $token.ExpiresOn | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
    }

    It 'takes the subject token as a SecureString' {
        $secure = ConvertTo-SecureString (New-TestJwt -Emulator $script:emulator) -AsPlainText -Force
        (Invoke-StsTokenExchange @exchange -SubjectToken $secure).AccessToken | Should -BeOfType ([securestring])
    }

    It 'returns plain text with -AsPlainText' {
        $token = Invoke-StsTokenExchange @exchange -SubjectToken (New-TestJwt -Emulator $script:emulator) -AsPlainText
        $token.AccessToken | Should -BeOfType ([string])
        $token.AccessToken | Should -BeLike 'ya29.emulator.*'
    }

    It 'pipes a token into the next exchange as its subject token' {
        $first = Invoke-StsTokenExchange @exchange -SubjectToken (New-TestJwt -Emulator $script:emulator) -AsPlainText
        $second = $first | Invoke-StsTokenExchange -TokenEndpoint $script:emulator.TokenEndpoint -AsPlainText
        $second.AccessToken | Should -BeLike 'ya29.emulator.*'
        $second.AccessToken | Should -Not -Be $first.AccessToken
    }

    It 'binds SubjectToken, SubjectTokenType and Audience by property name' {
        $subject = [pscustomobject]@{
            SubjectToken     = New-TestJwt -Emulator $script:emulator
            SubjectTokenType = 'urn:ietf:params:oauth:token-type:jwt'
            Audience         = $script:emulator.WorkloadProvider
        }
        $token = $subject | Invoke-StsTokenExchange -TokenEndpoint $script:emulator.TokenEndpoint -Scope 'https://www.googleapis.com/auth/cloud-platform'
        $token.TokenType | Should -Be 'Bearer'
    }

    It 'never shows a token in its default view, ToString or JSON' {
        $token = Invoke-StsTokenExchange @exchange -SubjectToken (New-TestJwt -Emulator $script:emulator) -AsPlainText
        $shown = ($token | Format-Table | Out-String) + ($token | Format-List | Out-String) + $token.ToString()
        $shown | Should -Not -Match ([regex]::Escape($token.AccessToken))

        $secure = Invoke-StsTokenExchange @exchange -SubjectToken (New-TestJwt -Emulator $script:emulator)
        $secure | ConvertTo-Json | Should -Not -Match 'ya29\.emulator\.'
    }

    It 'reports an OAuth error as a terminating error with a distinct ErrorId' {
        $wrongAudience = New-TestJwt -Emulator $script:emulator -Audience 'https://wrong.example'
        $failure = { Invoke-StsTokenExchange @exchange -SubjectToken $wrongAudience } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'StsOAuthError.invalid_grant,*'
        $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failure.Exception.Message | Should -BeLike 'Error code invalid_grant: *aud does not match*'
        $failure.Exception.Message | Should -Not -Match ([regex]::Escape($wrongAudience))
    }

    It 'refuses bad input before any request, naming the parameter' {
        $before = Get-TestRequestCount -Emulator $script:emulator
        $failure = { Invoke-StsTokenExchange @exchange -SubjectToken 'subject-value' -Options @{ big = 'x' * 5000 } } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidParameter.Options,*'
        $failure.Exception.ParamName | Should -Be 'Options'
        Get-TestRequestCount -Emulator $script:emulator | Should -Be $before
    }

    It 'refuses an unknown token type short name' {
        $failure = { Invoke-StsTokenExchange @exchange -SubjectToken 'subject-value' -SubjectTokenType 'jwtt' } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidParameter.SubjectTokenType,*'
    }

    It 'refuses plain http to another host' {
        $failure = { Invoke-StsTokenExchange -TokenEndpoint 'http://sts.example.com/v1/token' -SubjectToken 'subject-value' -SubjectTokenType jwt } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidParameter.TokenEndpoint,*'
    }

    It 'retries a 503 and succeeds' {
        $before = Get-TestRequestCount -Emulator $script:emulator
        Add-TestFault -Emulator $script:emulator -Fault @{ status = 503 }
        $token = Invoke-StsTokenExchange @exchange -SubjectToken (New-TestJwt -Emulator $script:emulator)
        $token | Should -Not -BeNullOrEmpty
        (Get-TestRequestCount -Emulator $script:emulator) - $before | Should -Be 2
    }

    It 'does not retry when -MaximumRetryCount is 0' {
        Add-TestFault -Emulator $script:emulator -Fault @{ status = 503 }
        $failure = { Invoke-StsTokenExchange @exchange -SubjectToken (New-TestJwt -Emulator $script:emulator) -MaximumRetryCount 0 } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'StsHttpError.503,*'
    }

    It 'times out with its own ErrorId' {
        Add-TestFault -Emulator $script:emulator -Fault @{ delayMs = 10000 }
        $failure = { Invoke-StsTokenExchange @exchange -SubjectToken (New-TestJwt -Emulator $script:emulator) -TimeoutSec 1 } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'StsTimeout,*'
        $failure.CategoryInfo.Category | Should -Be 'OperationTimeout'
    }

    It 'tells in verbose output what is sent where, without the token' {
        $jwt = New-TestJwt -Emulator $script:emulator
        $verbose = Invoke-StsTokenExchange @exchange -SubjectToken $jwt -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $text = $verbose.Message -join "`n"
        $text | Should -Match ([regex]::Escape($script:emulator.TokenEndpoint))
        $text | Should -Match 'subject_token_type urn:ietf:params:oauth:token-type:jwt'
        $text | Should -Not -Match ([regex]::Escape($jwt))
    }

    It 'completes token types' {
        $completion = TabExpansion2 -inputScript 'Invoke-StsTokenExchange -SubjectTokenType aws' -cursorColumn 45
        $completion.CompletionMatches.CompletionText | Should -Contain 'aws4_request'
    }

    It 'completes Google scopes' {
        $completion = TabExpansion2 -inputScript 'Invoke-StsTokenExchange -Scope cloud-pl' -cursorColumn 39
        $completion.CompletionMatches.CompletionText | Should -Contain 'https://www.googleapis.com/auth/cloud-platform'
    }
}
