#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# How the cmdlets behave inside scripts and pipelines: what a later stage throws stays the script's, errors
# about an input hide its tokens, inputs that carry no token are refused, and the edge cases a hostile review
# of the redesigned cmdlet layer found. Every endpoint is the emulator's on 127.0.0.1.

BeforeAll {
    Import-Module $env:STSPOWERSHELL_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
    $script:emulator = Start-TestStsEmulator
    $script:savedEnvironment = Clear-TestEnvironment
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid())
    $null = New-Item -ItemType Directory -Path $script:folder
    $script:exchange = @{
        TokenEndpoint = $script:emulator.tokenEndpoint; SubjectTokenType = 'jwt'; Audience = $script:emulator.workloadProvider
        Scope = 'cloud-platform'; RetryIntervalSec = 0
    }
    $script:iam = @{ IamCredentialsEndpoint = $script:emulator.iamCredentialsEndpoint; RetryIntervalSec = 0 }
}

AfterAll {
    Restore-TestEnvironment -Saved $script:savedEnvironment
    Remove-Item -Recurse -Force $script:folder -ErrorAction SilentlyContinue
    if ($script:emulator) { Stop-TestStsEmulator -Emulator $script:emulator }
}

Describe 'What a later pipeline stage does is its own' {
    It 'an exception thrown downstream reaches the script''s catch unchanged' {
        $caught = $null
        try {
            Invoke-StsTokenExchange @exchange -SubjectToken (New-TestJwt -Emulator $script:emulator) | ForEach-Object { throw [IO.FileNotFoundException]::new('the deploy step failed') }
            $reachedAfter = $true
        }
        catch { $caught = $_ }

        $reachedAfter | Should -BeNullOrEmpty
        $caught.Exception | Should -BeOfType ([IO.FileNotFoundException])
        $caught.Exception.Message | Should -Be 'the deploy step failed'
    }

    It 'continue and break downstream act on the script''s loop' {
        $ends = foreach ($i in 1..2) {
            Invoke-StsTokenExchange @exchange -SubjectToken (New-TestJwt -Emulator $script:emulator) | ForEach-Object { if ($i -eq 1) { continue } }
            "end of $i"
        }
        $ends | Should -Be @('end of 2')
    }
}

Describe 'Errors about an input' {
    It 'hide a plain-text token piped into the impersonation cmdlets' {
        $plain = Invoke-StsTokenExchange @exchange -SubjectToken (New-TestJwt -Emulator $script:emulator) -AsPlainText
        $plain | New-GoogleServiceAccountAccessToken -ServiceAccount nobody@emulator-project.iam.gserviceaccount.com @iam -ErrorAction SilentlyContinue -ErrorVariable failures

        $failures.Count | Should -Be 1
        $failures[0].TargetObject.IssuedTokenType | Should -Be $plain.IssuedTokenType
        ($failures[0] | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue) | Should -Not -Match ([regex]::Escape($plain.AccessToken))
    }

    It 'refuse a piped object that carries no token instead of exchanging once per object' {
        $before = Get-TestRequestCount -Emulator $script:emulator
        $files = Get-ChildItem -LiteralPath $PSScriptRoot -Filter *.ps1 | Select-Object -First 2
        $out = $files | Invoke-StsTokenExchange @exchange -SubjectToken (New-TestJwt -Emulator $script:emulator) -ErrorAction SilentlyContinue -ErrorVariable failures

        $out | Should -BeNullOrEmpty
        $failures.Count | Should -Be 2
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'InvalidParameter.InputObject,*'
        Get-TestRequestCount -Emulator $script:emulator | Should -Be $before
        @(1..3 | Test-StsSubjectToken -SubjectToken (New-TestJwt -Emulator $script:emulator) -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'take piped tokens themselves, strings or SecureStrings, and hide a piped string in errors' {
        $first = New-TestJwt -Emulator $script:emulator
        $second = ConvertTo-SecureString (New-TestJwt -Emulator $script:emulator) -AsPlainText -Force
        $tokens = $first, $second | Invoke-StsTokenExchange @exchange
        $tokens.Count | Should -Be 2
        $tokens.IssuedTokenType | Should -Be @('urn:ietf:params:oauth:token-type:access_token', 'urn:ietf:params:oauth:token-type:access_token')
        (($first, $second | Test-StsSubjectToken -SubjectTokenType jwt -Audience $script:emulator.workloadProvider) | Where-Object { -not $_.Passed }) | Should -BeNullOrEmpty

        # The emulator refuses a token for another audience: the error is about the piped string, which it must not carry.
        $foreign = New-TestJwt -Emulator $script:emulator -Audience 'https://elsewhere.example'
        $foreign | Invoke-StsTokenExchange @exchange -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'StsOAuthError.*'
        $failures[0].TargetObject | Should -Be "[a piped token of $($foreign.Length) characters, hidden]"
        ($failures[0] | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue) | Should -Not -Match ([regex]::Escape($foreign))
    }

    It 'refuse piped strings when -SubjectToken is given instead of exchanging once per string, the same string too' {
        $before = Get-TestRequestCount -Emulator $script:emulator
        $jwt = New-TestJwt -Emulator $script:emulator
        'a', $jwt | Invoke-StsTokenExchange @exchange -SubjectToken $jwt -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures.Count | Should -Be 2
        $failures.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'InvalidParameter.InputObject,*' }
        Get-TestRequestCount -Emulator $script:emulator | Should -Be $before
    }

    It 'recognise a piped token''s type by its shape when -SubjectTokenType is not given, and otherwise ask for it without quoting the token' {
        $untyped = $exchange.Clone()
        $untyped.Remove('SubjectTokenType')
        $jwt = New-TestJwt -Emulator $script:emulator
        $token = $jwt | Invoke-StsTokenExchange @untyped -Verbose 4>&1 | Tee-Object -Variable stream | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $token.IssuedTokenType | Should -Be 'urn:ietf:params:oauth:token-type:access_token'
        $stream.Message | Should -Contain 'No -SubjectTokenType: the subject token is shaped as urn:ietf:params:oauth:token-type:jwt.'

        $before = Get-TestRequestCount -Emulator $script:emulator
        $opaque = 'ya29.opaque-access-token-value'
        $opaque | Invoke-StsTokenExchange @untyped -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'InvalidParameter.SubjectTokenType,*'
        ($failures[0] | Format-List * -Force | Out-String) + ($failures[0].InvocationInfo | Format-List * -Force | Out-String) | Should -Not -Match ([regex]::Escape($opaque))
        Get-TestRequestCount -Emulator $script:emulator | Should -Be $before
    }

    It 'name -<Parameter> for <Case>' -ForEach @(
        @{ Case = 'a white-space actor token'; Parameter = 'ActorToken'; Call = { Invoke-StsTokenExchange @exchange -SubjectToken 'subject-value' -ActorToken '   ' -ActorTokenType jwt -ErrorAction Stop } }
        @{ Case = 'an empty actor token'; Parameter = 'ActorToken'; Call = { Invoke-StsTokenExchange @exchange -SubjectToken 'subject-value' -ActorToken '' -ActorTokenType jwt -ErrorAction Stop } }
        @{ Case = 'a blank AWS access key id'; Parameter = 'AccessKey'; Call = { New-AwsCallerIdentityToken -Audience $script:emulator.workloadProvider -Region us-east-1 -AccessKey '   ' -SecretKey 's3cret-value' -ErrorAction Stop } }
        @{ Case = 'a white-space AWS secret key'; Parameter = 'SecretKey'; Call = { New-AwsCallerIdentityToken -Audience $script:emulator.workloadProvider -Region us-east-1 -AccessKey AKIAEXAMPLE -SecretKey '   ' -ErrorAction Stop } }
        @{ Case = 'a white-space AWS session token'; Parameter = 'SessionToken'; Call = { New-AwsCallerIdentityToken -Audience $script:emulator.workloadProvider -Region us-east-1 -AccessKey AKIAEXAMPLE -SecretKey 's3cret-value' -SessionToken '  ' -ErrorAction Stop } }
        @{ Case = 'an AWS.Tools object whose GetCredentials() fails'; Parameter = 'Credential'; Call = {
                . ([scriptblock]::Create('class FailingAwsCredentials { [object] GetCredentials() { throw [InvalidOperationException]::new("expired profile s3cret-value") } }'))
                New-AwsCallerIdentityToken -Audience $script:emulator.workloadProvider -Region us-east-1 -Credential ([FailingAwsCredentials]::new()) -ErrorAction Stop } }
    ) {
        $before = Get-TestRequestCount -Emulator $script:emulator
        $failure = $null
        try { & $Call | Out-Null } catch { $failure = $_ }

        $failure.FullyQualifiedErrorId | Should -BeLike "InvalidParameter.$Parameter,*"
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.Exception.Message | Should -Not -Match 's3cret-value'
        Get-TestRequestCount -Emulator $script:emulator | Should -Be $before
    }
}

Describe 'Tokens that arrive by property name' {
    It 'keep their expiry through downscoping (<Form>)' -ForEach @(
        @{ Form = 'a pscustomobject'; Convert = { param($t) [pscustomobject]@{ AccessToken = $t.AccessToken; ExpiresOn = $t.ExpiresOn } } }
        @{ Form = 'a JSON round trip'; Convert = { param($t) $t | ConvertTo-Json | ConvertFrom-Json } }
    ) {
        $token = Invoke-StsTokenExchange @exchange -SubjectToken (New-TestJwt -Emulator $script:emulator) -AsPlainText
        $rule = New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/b -AvailablePermission roles/storage.objectViewer

        $narrow = & $Convert $token | New-GoogleDownscopedAccessToken -AccessBoundaryRule $rule -TokenEndpoint $script:emulator.tokenEndpoint

        $narrow.ExpiresOn | Should -Not -BeNullOrEmpty
        [Math]::Abs(($narrow.ExpiresOn - $token.ExpiresOn).TotalSeconds) | Should -BeLessThan 1
    }
}

Describe 'Instance metadata and container credentials' {
    It 'retry as -MaximumRetryCount says when it is given' {
        $env:AWS_CONTAINER_CREDENTIALS_FULL_URI = "$($script:emulator.baseUrl)/container/credentials/role"
        try {
            1..3 | ForEach-Object { Add-TestFault -Emulator $script:emulator -Fault @{ status = 503; body = 'busy' } }
            $before = Get-TestRequestCount -Emulator $script:emulator

            $token = New-AwsCallerIdentityToken -Audience $script:emulator.workloadProvider -Region us-east-1 -MaximumRetryCount 3 -RetryIntervalSec 0

            $token.CredentialSource | Should -BeLike '*container*'
            (Get-TestRequestCount -Emulator $script:emulator) - $before | Should -Be 4
        }
        finally { $env:AWS_CONTAINER_CREDENTIALS_FULL_URI = $null }
    }
}

Describe 'Paths and completion follow the PowerShell location' {
    It 'reads a relative GOOGLE_APPLICATION_CREDENTIALS against the current location' {
        $path = New-TestConfiguration -Emulator $script:emulator -Folder $script:folder -Name 'relative.json'
        Push-Location $script:folder
        $env:GOOGLE_APPLICATION_CREDENTIALS = 'relative.json'
        try {
            (Get-GoogleExternalAccountToken -Force).IssuedTokenType | Should -Be 'urn:ietf:params:oauth:token-type:access_token'
        }
        finally {
            $env:GOOGLE_APPLICATION_CREDENTIALS = $null
            Pop-Location
        }
        $path | Should -Exist
    }

    It 'completes profile names from a relative -ProfileLocation, quoting names with spaces' {
        Set-Content -Path (Join-Path $script:folder 'creds') -Value "[default]`naws_access_key_id = a`n[my dev]`naws_access_key_id = b"
        Push-Location $script:folder
        try {
            $line = 'New-AwsCallerIdentityToken -ProfileLocation ./creds -ProfileName m'
            (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be "'my dev'"
        }
        finally { Pop-Location }
    }
}
