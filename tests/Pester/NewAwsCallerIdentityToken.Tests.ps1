#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# New-AwsCallerIdentityToken | Invoke-StsTokenExchange against the STS emulator, which also serves EC2 instance
# metadata. Every test points metadata at the emulator or disables it, and HOME at an empty folder, so nothing
# leaves 127.0.0.1.

BeforeAll {
    Import-Module $env:STSPOWERSHELL_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
    $script:emulator = Start-TestStsEmulator

    # The emulator's AWS test keys (tests/StsEmulator/Aws/AwsSettings.cs).
    $script:accessKey = 'AKIAEMULATOREXAMPLE1'
    $script:secretKey = 'emulator/Secret+Access/Key0000000000000'
    $script:exchange = @{
        TokenEndpoint    = $script:emulator.TokenEndpoint
        Scope            = 'https://www.googleapis.com/auth/cloud-platform'
        RetryIntervalSec = 0
    }

    $script:savedEnvironment = Clear-TestEnvironment

    $script:awsHome = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid())
    New-Item -ItemType Directory -Path $script:awsHome | Out-Null
    $env:HOME = $script:awsHome
    $env:USERPROFILE = $script:awsHome
    $env:AWS_EC2_METADATA_SERVICE_ENDPOINT = $script:emulator.BaseUrl
}

AfterAll {
    Restore-TestEnvironment -Saved $script:savedEnvironment

    Remove-Item -Recurse -Force $script:awsHome -ErrorAction SilentlyContinue
    if ($script:emulator) { Stop-TestStsEmulator -Emulator $script:emulator }
}

Describe 'New-AwsCallerIdentityToken' {
    It 'is exported with its output type' {
        (Get-Command New-AwsCallerIdentityToken).OutputType.Type | Should -Be ([StsPowerShell.AwsSubjectToken])
    }

    It 'signs with keys given as parameters and pipes into Invoke-StsTokenExchange' {
        $secret = ConvertTo-SecureString $script:secretKey -AsPlainText -Force
        $token = New-AwsCallerIdentityToken -Audience $script:emulator.WorkloadProvider -AccessKey $script:accessKey -SecretKey $secret -Region us-east-1 |
            Invoke-StsTokenExchange @exchange

        $token | Should -BeOfType ([StsPowerShell.StsToken])
        $token.TokenType | Should -Be 'Bearer'
    }

    It 'takes the keys as a PSCredential' {
        $credential = [pscredential]::new($script:accessKey, (ConvertTo-SecureString $script:secretKey -AsPlainText -Force))
        $subject = New-AwsCallerIdentityToken -Audience $script:emulator.WorkloadProvider -Credential $credential -Region eu-west-1
        $subject.AccessKeyId | Should -Be $script:accessKey
        $subject.Region | Should -Be 'eu-west-1'
        $subject.Url | Should -Be 'https://sts.eu-west-1.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15'
    }

    It 'finds instance-profile credentials and the region through IMDSv2 when nothing is given' {
        $subject = New-AwsCallerIdentityToken -Audience $script:emulator.WorkloadProvider
        $subject.Region | Should -Be 'us-west-2'
        $subject.CredentialSource | Should -BeLike 'instance metadata at*'
        $subject.SubjectToken | Should -BeOfType ([securestring])

        ($subject | Invoke-StsTokenExchange @exchange).TokenType | Should -Be 'Bearer'
    }

    It 'reads a named profile from the shared credentials file' {
        New-Item -ItemType Directory -Force -Path (Join-Path $script:awsHome '.aws') | Out-Null
        Set-Content -Path (Join-Path $script:awsHome '.aws/credentials') -Value "[build]`naws_access_key_id = $($script:accessKey)`naws_secret_access_key = $($script:secretKey)"
        $subject = New-AwsCallerIdentityToken -Audience $script:emulator.WorkloadProvider -ProfileName build -Region us-east-1
        $subject.CredentialSource | Should -Be "profile 'build'"
        ($subject | Invoke-StsTokenExchange @exchange).TokenType | Should -Be 'Bearer'
    }

    It 'never shows the token or the secret' {
        $subject = New-AwsCallerIdentityToken -Audience $script:emulator.WorkloadProvider -AccessKey $script:accessKey -SecretKey $script:secretKey -Region us-east-1 -AsPlainText -Verbose 4>&1
        $token = $subject | Where-Object { $_ -is [StsPowerShell.AwsSubjectToken] }
        $verbose = ($subject | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $shown = ($token | Format-List | Out-String) + ($token | Format-Table | Out-String) + $token.ToString() + $verbose
        $shown | Should -Not -Match ([regex]::Escape($token.SubjectToken))
        $shown | Should -Not -Match ([regex]::Escape($script:secretKey))
    }

    It 'lists what it tried when there are no credentials' {
        $env:AWS_EC2_METADATA_DISABLED = 'true'
        try {
            $failure = { New-AwsCallerIdentityToken -Audience $script:emulator.WorkloadProvider -Region us-east-1 } | Should -Throw -PassThru
            $failure.FullyQualifiedErrorId | Should -BeLike 'AwsCredentialsNotFound,*'
            $failure.Exception.Message | Should -Match 'AWS_ACCESS_KEY_ID'
            $failure.Exception.Message | Should -Match 'disabled by AWS_EC2_METADATA_DISABLED'
        }
        finally {
            $env:AWS_EC2_METADATA_DISABLED = $null
        }
    }

    It 'refuses a malformed region before signing' {
        $failure = { New-AwsCallerIdentityToken -Audience $script:emulator.WorkloadProvider -AccessKey $script:accessKey -SecretKey $script:secretKey -Region 'Not A Region' } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidParameter.Region,*'
    }

    It 'completes regions' {
        $line = 'New-AwsCallerIdentityToken -Region eu-we'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'eu-west-1'
    }
}
