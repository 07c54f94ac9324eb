#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Configuration files, credential access boundaries and the subject-token checker, against the STS emulator.

BeforeAll {
    Import-Module $env:STSPOWERSHELL_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
    $script:emulator = Start-TestStsEmulator
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid())
    New-Item -ItemType Directory -Path $script:folder | Out-Null
    $script:savedCredentials = $env:GOOGLE_APPLICATION_CREDENTIALS

    # The shared New-TestConfiguration writes into this file's folder for this file's emulator.
    $PSDefaultParameterValues = @{ 'New-TestConfiguration:Emulator' = $script:emulator; 'New-TestConfiguration:Folder' = $script:folder }
}

AfterAll {
    $env:GOOGLE_APPLICATION_CREDENTIALS = $script:savedCredentials
    Remove-Item -Recurse -Force $script:folder -ErrorAction SilentlyContinue
    if ($script:emulator) { Stop-TestStsEmulator -Emulator $script:emulator }
}

Describe 'Get-GoogleExternalAccountToken' {
    It 'gets a token from a configuration file' {
        $token = Get-GoogleExternalAccountToken -ConfigurationFile (New-TestConfiguration)
        $token | Should -BeOfType ([StsPowerShell.StsToken])
        $token.AccessToken | Should -BeOfType ([securestring])
        $token.Scope | Should -Be 'https://www.googleapis.com/auth/cloud-platform'
    }

    It 'reads GOOGLE_APPLICATION_CREDENTIALS, reuses the token, and -Force gets a fresh one' {
        $env:GOOGLE_APPLICATION_CREDENTIALS = New-TestConfiguration
        $first = Get-GoogleExternalAccountToken -AsPlainText
        $before = Get-TestRequestCount -Emulator $script:emulator
        $verbose = Get-GoogleExternalAccountToken -AsPlainText -Verbose 4>&1
        $second = $verbose | Where-Object { $_ -is [StsPowerShell.StsToken] }
        $second.AccessToken | Should -Be $first.AccessToken
        (Get-TestRequestCount -Emulator $script:emulator) | Should -Be $before
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'Reusing'
        (Get-GoogleExternalAccountToken -AsPlainText -Force).AccessToken | Should -Not -Be $first.AccessToken
    }

    It 'reuses safely under ForEach-Object -Parallel' -Skip:($PSVersionTable.PSVersion.Major -lt 7) {
        $path = New-TestConfiguration
        $module = $env:STSPOWERSHELL_MODULE
        $tokens = 1..16 | ForEach-Object -ThrottleLimit 8 -Parallel {
            Import-Module $using:module
            (Get-GoogleExternalAccountToken -ConfigurationFile $using:path -AsPlainText).AccessToken
        }
        @($tokens | Select-Object -Unique).Count | Should -Be 1
    }

    It 'names the field and the file of a malformed configuration' {
        $path = New-TestConfiguration -Extra @{ token_lifetime = 3600 }
        $failure = { Get-GoogleExternalAccountToken -ConfigurationFile $path } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'ExternalAccountConfigurationInvalid,*'
        $failure.Exception.Message | Should -BeLike "*$path*'token_lifetime' is not a field*"
    }

    It 'refuses an executable source unless GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES is 1' {
        $path = New-TestConfiguration -Extra @{ credential_source = @{ executable = @{ command = 'never-run'; timeout_millis = 5000 } } }
        $failure = { Get-GoogleExternalAccountToken -ConfigurationFile $path } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'SubjectTokenUnavailable.executable,*'
    }
}

Describe 'Credential access boundaries' {
    It 'downscopes a token piped in' {
        $rule = New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/reports -AvailablePermission roles/storage.objectViewer
        $rule.AvailablePermissions | Should -Be 'inRole:roles/storage.objectViewer'
        $source = Get-GoogleExternalAccountToken -ConfigurationFile (New-TestConfiguration)
        $narrow = $source | New-GoogleDownscopedAccessToken -AccessBoundaryRule $rule -TokenEndpoint $script:emulator.tokenEndpoint
        $narrow.ExpiresOn | Should -Be $source.ExpiresOn
    }

    It 'refuses more than ten rules before sending' {
        $rules = 1..11 | ForEach-Object { New-GoogleAccessBoundaryRule -AvailableResource "//storage.googleapis.com/projects/_/buckets/b$_" -AvailablePermission roles/storage.objectViewer }
        $before = Get-TestRequestCount -Emulator $script:emulator
        $failure = { New-GoogleDownscopedAccessToken -AccessToken 'ya29.any-token-value' -AccessBoundaryRule $rules -TokenEndpoint $script:emulator.tokenEndpoint } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidParameter.AccessBoundaryRule,*'
        Get-TestRequestCount -Emulator $script:emulator | Should -Be $before
    }
}

Describe 'Test-StsSubjectToken' {
    It 'passes every check for a good token' {
        $checks = Test-StsSubjectToken -SubjectToken (New-TestJwt -Emulator $script:emulator) -SubjectTokenType jwt -Audience $script:emulator.workloadProvider
        $checks | Should -Not -BeNullOrEmpty
        $checks | Where-Object Passed -EQ $false | Should -BeNullOrEmpty
    }

    It 'names the failing requirement without showing the token' {
        $jwt = New-TestJwt -Emulator $script:emulator -Audience 'https://someone.else'
        $failed = Test-StsSubjectToken -SubjectToken $jwt -SubjectTokenType jwt -Audience $script:emulator.workloadProvider | Where-Object Passed -EQ $false
        $failed.Requirement | Should -BeLike 'aud matches the provider*'
        ($failed | Format-Table | Out-String) | Should -Not -Match ([regex]::Escape($jwt))
    }

    It 'recognises a JWT without -SubjectTokenType and says so first' {
        $checks = @(Test-StsSubjectToken -SubjectToken (New-TestJwt -Emulator $script:emulator) -Audience $script:emulator.workloadProvider)
        $checks[0].Requirement | Should -Be 'a token type recognisable by its shape'
        $checks[0].Detail | Should -Be 'urn:ietf:params:oauth:token-type:jwt'
        $checks | Where-Object Passed -EQ $false | Should -BeNullOrEmpty
    }

    It 'asks for -SubjectTokenType when the shape says nothing' {
        $checks = @(Test-StsSubjectToken -SubjectToken 'ya29.opaque-value')
        $checks.Count | Should -Be 1
        $checks[0].Passed | Should -BeFalse
        $checks[0].Detail | Should -Match '-SubjectTokenType'
    }

    It 'checks an AWS token piped from New-AwsCallerIdentityToken' {
        $checks = New-AwsCallerIdentityToken -Audience $script:emulator.workloadProvider -AccessKey AKIAEMULATOREXAMPLE1 -SecretKey 'emulator/Secret+Access/Key0000000000000' -Region us-east-1 |
            Test-StsSubjectToken
        $checks | Where-Object Passed -EQ $false | Should -BeNullOrEmpty
    }
}
