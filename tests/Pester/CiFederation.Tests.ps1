#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# From an Azure DevOps or GitHub Actions job to a Google service account in one pipeline, against the STS
# emulator's CI token services, STS and IAM Credentials endpoints on 127.0.0.1.

BeforeAll {
    Import-Module $env:STSPOWERSHELL_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
    $script:emulator = Start-TestStsEmulator
    $script:names = 'SYSTEM_OIDCREQUESTURI', 'SYSTEM_ACCESSTOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'
    $script:saved = @{}
    foreach ($name in $script:names) { $script:saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    $script:exchange = @{
        TokenEndpoint    = $script:emulator.tokenEndpoint
        Audience         = $script:emulator.workloadProvider
        Scope            = 'cloud-platform'
        RetryIntervalSec = 0
    }
}

AfterAll {
    foreach ($name in $script:names) { [Environment]::SetEnvironmentVariable($name, $script:saved[$name]) }
    if ($script:emulator) { Stop-TestStsEmulator -Emulator $script:emulator }
}

Describe 'Azure Pipelines to a Google service account' {
    BeforeEach {
        $env:SYSTEM_OIDCREQUESTURI = $script:emulator.azureOidcRequestUri
        $env:SYSTEM_ACCESSTOKEN = $script:emulator.azureSystemAccessToken
    }

    It 'runs the whole chain in one pipeline' {
        $token = Get-AzurePipelinesIdToken -ServiceConnectionId $script:emulator.azureServiceConnectionId |
            Invoke-StsTokenExchange @exchange |
            New-GoogleServiceAccountAccessToken -ServiceAccount $script:emulator.serviceAccount -IamCredentialsEndpoint $script:emulator.iamCredentialsEndpoint

        $token | Should -BeOfType ([StsPowerShell.StsToken])
        $token.AccessToken | Should -BeOfType ([securestring])
        $token.Scope | Should -Be 'https://www.googleapis.com/auth/cloud-platform'
        $token.ExpiresOn | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
    }

    It 'shows what the OIDC token says, never the token' {
        $oidc = Get-AzurePipelinesIdToken -ServiceConnectionId $script:emulator.azureServiceConnectionId -AsPlainText
        $oidc | Should -BeOfType ([StsPowerShell.OidcSubjectToken])
        $oidc.Subject | Should -BeLike 'sc://*'
        $oidc.TokenAudience | Should -Be 'api://AzureADTokenExchange'
        (($oidc | Format-List | Out-String) + $oidc.ToString()) | Should -Not -Match ([regex]::Escape($oidc.SubjectToken))
    }

    It 'says the pipeline must map System.AccessToken when it is missing' {
        $env:SYSTEM_ACCESSTOKEN = $null
        $failure = { Get-AzurePipelinesIdToken -ServiceConnectionId $script:emulator.azureServiceConnectionId } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'IdTokenUnavailable.AzurePipelines,*'
        $failure.Exception.Message | Should -Match 'map System.AccessToken'
    }

    It 'warns, then fails with PERMISSION_DENIED, when the federated scope cannot impersonate' {
        $federated = Get-AzurePipelinesIdToken -ServiceConnectionId $script:emulator.azureServiceConnectionId |
            Invoke-StsTokenExchange -TokenEndpoint $script:emulator.tokenEndpoint -Audience $script:emulator.workloadProvider -Scope devstorage.read_only
        # Called directly (not inside Should -Throw) so -WarningVariable lands in this scope.
        $failure = $null
        try {
            $federated | New-GoogleServiceAccountAccessToken -ServiceAccount $script:emulator.serviceAccount -IamCredentialsEndpoint $script:emulator.iamCredentialsEndpoint -WarningVariable warnings -WarningAction SilentlyContinue
        }
        catch {
            $failure = $_
        }

        $failure.FullyQualifiedErrorId | Should -BeLike 'GoogleApiError.PERMISSION_DENIED,*'
        $warnings | Should -Not -BeNullOrEmpty
        "$warnings" | Should -Match 'cloud-platform'
    }
}

Describe 'GitHub Actions to a Google service account' {
    BeforeEach {
        $env:ACTIONS_ID_TOKEN_REQUEST_URL = $script:emulator.gitHubIdTokenRequestUrl
        $env:ACTIONS_ID_TOKEN_REQUEST_TOKEN = $script:emulator.gitHubIdTokenRequestToken
    }

    It 'ends with an ID token for another service' {
        $idToken = Get-GitHubActionsIdToken -Audience "https:$($script:emulator.workloadProvider)" |
            Invoke-StsTokenExchange @exchange |
            New-GoogleServiceAccountIdToken -ServiceAccount $script:emulator.serviceAccount -Audience 'https://service.example/' -IncludeEmail -IamCredentialsEndpoint $script:emulator.iamCredentialsEndpoint

        $idToken.IssuedTokenType | Should -Be 'urn:ietf:params:oauth:token-type:id_token'
        $idToken.AccessToken | Should -BeOfType ([securestring])
    }

    It 'says the workflow needs id-token: write when the variables are missing' {
        $env:ACTIONS_ID_TOKEN_REQUEST_URL = $null
        $failure = { Get-GitHubActionsIdToken } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'IdTokenUnavailable.GitHubActions,*'
        $failure.Exception.Message | Should -Match 'id-token: write'
    }
}

Describe 'Workforce pools' {
    It 'refuses -WorkforcePoolUserProject for a workload identity pool' {
        $failure = { Invoke-StsTokenExchange @exchange -SubjectToken 'subject-value' -SubjectTokenType jwt -WorkforcePoolUserProject my-project } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'InvalidParameter.WorkforcePoolUserProject,*'
    }

    It 'sends userProject for a workforce pool provider' {
        $jwt = New-TestJwt -Emulator $script:emulator -Audience $script:emulator.workforceProvider
        $token = Invoke-StsTokenExchange -TokenEndpoint $script:emulator.tokenEndpoint -SubjectToken $jwt -SubjectTokenType id_token `
            -Audience $script:emulator.workforceProvider -Scope cloud-platform -WorkforcePoolUserProject my-project
        $token.TokenType | Should -Be 'Bearer'
    }
}
