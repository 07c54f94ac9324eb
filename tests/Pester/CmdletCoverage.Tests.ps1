#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Issue 10: every exported cmdlet is covered here in three ways, each driven by a table the meta-tests check
# against the module itself:
#   - every parameter set binds (checked through a proxy of the cmdlet) and runs against the emulator;
#   - at least one error path per cmdlet, asserting its exact FullyQualifiedErrorId and category;
#   - every README pipeline chain that can run on 127.0.0.1.
# A new cmdlet or parameter set fails the meta-tests until it has a row in $coverage and a sample call.
# Nothing here leaves 127.0.0.1: endpoints are the emulator's, AWS discovery is pointed at it, HOME is empty.

BeforeDiscovery {
    # One row per exported cmdlet: its parameter sets, and the error paths tested (ErrorId prefix and category).
    $coverage = @(
        @{ Command = 'ConvertTo-GoogleExecutableResponse'; Sets = @('Token', 'Error'); Errors = @(
                @{ Case = 'a token type an executable cannot answer with'; ErrorId = 'InvalidParameter.SubjectTokenType'; Category = 'InvalidArgument' }
                @{ Case = 'an expiry already past'; ErrorId = 'InvalidParameter.ExpiresOn'; Category = 'InvalidArgument' }) }
        @{ Command = 'Export-GoogleAccessToken'; Sets = @('__AllParameterSets'); Errors = @(
                @{ Case = 'a folder that does not exist'; ErrorId = 'InvalidParameter.Path'; Category = 'InvalidArgument' }) }
        @{ Command = 'Export-GoogleCredentialConfiguration'; Sets = @('SubjectToken', 'AzurePipelines', 'AzureManagedIdentity', 'GitHubActions', 'Aws', 'CertificateFiles', 'CertificateConfig', 'DefaultCertificateConfig'); Errors = @(
                @{ Case = 'an audience that is no pool provider'; ErrorId = 'InvalidParameter.Audience'; Category = 'InvalidArgument' }
                @{ Case = 'a token lifetime without a service account'; ErrorId = 'InvalidParameter.TokenLifetimeSec'; Category = 'InvalidArgument' }
                @{ Case = 'GitHub Actions outside a GitHub Actions job'; ErrorId = 'InvalidParameter.GitHubActions'; Category = 'InvalidArgument' }) }
        @{ Command = 'Remove-GoogleCredentialConfiguration'; Sets = @('__AllParameterSets'); Errors = @(
                @{ Case = 'no path'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData' }) }
        @{ Command = 'Get-AzureManagedIdentityToken'; Sets = @('SystemAssigned', 'ClientId', 'ObjectId', 'ResourceId'); Errors = @(
                @{ Case = 'a user-assigned identity the endpoint does not know'; ErrorId = 'IdTokenUnavailable.Imds'; Category = 'ObjectNotFound' }
                @{ Case = 'neither a resource nor an audience'; ErrorId = 'InvalidParameter.Resource'; Category = 'InvalidArgument' }
                @{ Case = 'App Service asked for where it is not configured'; ErrorId = 'IdTokenUnavailable.AppService'; Category = 'ObjectNotFound' }
                @{ Case = 'a user-assigned identity on Azure Arc'; ErrorId = 'InvalidParameter.ClientId'; Category = 'InvalidArgument' }) }
        @{ Command = 'Get-AzurePipelinesIdToken'; Sets = @('__AllParameterSets'); Errors = @(
                @{ Case = 'a System.AccessToken the service refuses'; ErrorId = 'IdTokenUnavailable.AzurePipelines'; Category = 'AuthenticationError' }
                @{ Case = 'a service connection the service does not know'; ErrorId = 'IdTokenUnavailable.AzurePipelines'; Category = 'ObjectNotFound' }
                @{ Case = 'a relative OIDC request URI'; ErrorId = 'InvalidParameter.OidcRequestUri'; Category = 'InvalidArgument' }) }
        @{ Command = 'Get-GitHubActionsIdToken'; Sets = @('__AllParameterSets'); Errors = @(
                @{ Case = 'a request token the service refuses'; ErrorId = 'IdTokenUnavailable.GitHubActions'; Category = 'AuthenticationError' }
                @{ Case = 'a relative request URL'; ErrorId = 'InvalidParameter.RequestUrl'; Category = 'InvalidArgument' }) }
        @{ Command = 'Get-GoogleExternalAccountToken'; Sets = @('__AllParameterSets'); Errors = @(
                @{ Case = 'a configuration file with an unknown field'; ErrorId = 'ExternalAccountConfigurationInvalid'; Category = 'InvalidData' }
                @{ Case = 'a subject token for another audience'; ErrorId = 'StsOAuthError.invalid_grant'; Category = 'AuthenticationError' }) }
        @{ Command = 'Invoke-StsTokenExchange'; Sets = @('Exchange', 'ClientCredential', 'ActorToken', 'Refresh', 'Certificate', 'CertificateThumbprint', 'Pfx', 'Pem'); Errors = @(
                @{ Case = 'a certificate without its private key'; ErrorId = 'CertificateNoPrivateKey.Certificate'; Category = 'InvalidArgument' }
                @{ Case = 'an expired certificate'; ErrorId = 'CertificateExpired.PfxFile'; Category = 'InvalidArgument' }
                @{ Case = 'a chain naming the leaf after its issuer'; ErrorId = 'CertificateChainOrder.CertificateChainFile'; Category = 'InvalidArgument' }
                @{ Case = 'an audience that names no provider'; ErrorId = 'StsOAuthError.invalid_target'; Category = 'InvalidArgument' }
                @{ Case = 'a malformed resource'; ErrorId = 'InvalidParameter.Resource'; Category = 'InvalidArgument' }
                @{ Case = 'a 500 after every retry'; ErrorId = 'StsHttpError.500'; Category = 'ResourceUnavailable' }) }
        @{ Command = 'New-AwsCallerIdentityToken'; Sets = @('Discovery', 'AccessKey', 'Credential'); Errors = @(
                @{ Case = 'an audience that is no provider name'; ErrorId = 'InvalidParameter.Audience'; Category = 'InvalidArgument' }
                @{ Case = 'no credentials anywhere'; ErrorId = 'AwsCredentialsNotFound'; Category = 'ObjectNotFound' }
                @{ Case = 'no region anywhere'; ErrorId = 'AwsRegionNotFound'; Category = 'ObjectNotFound' }) }
        @{ Command = 'New-GoogleAccessBoundaryRule'; Sets = @('__AllParameterSets'); Errors = @(
                @{ Case = 'a condition title without an expression'; ErrorId = 'InvalidParameter.ConditionExpression'; Category = 'InvalidArgument' }
                @{ Case = 'a blank role'; ErrorId = 'InvalidParameter.AvailablePermission'; Category = 'InvalidArgument' }) }
        @{ Command = 'New-GoogleDownscopedAccessToken'; Sets = @('FederatedToken', 'AccessToken'); Errors = @(
                @{ Case = 'an access token the STS did not issue'; ErrorId = 'StsOAuthError.invalid_grant'; Category = 'AuthenticationError' }
                @{ Case = 'a relative token endpoint'; ErrorId = 'InvalidParameter.TokenEndpoint'; Category = 'InvalidArgument' }) }
        @{ Command = 'New-GoogleServiceAccountAccessToken'; Sets = @('FederatedToken', 'AccessToken'); Errors = @(
                @{ Case = 'an access token the IAM API does not accept'; ErrorId = 'GoogleApiError.UNAUTHENTICATED'; Category = 'AuthenticationError' }
                @{ Case = 'a service account the principal may not impersonate'; ErrorId = 'GoogleApiError.PERMISSION_DENIED'; Category = 'PermissionDenied' }) }
        @{ Command = 'New-GoogleServiceAccountIdToken'; Sets = @('FederatedToken', 'AccessToken'); Errors = @(
                @{ Case = 'an access token the IAM API does not accept'; ErrorId = 'GoogleApiError.UNAUTHENTICATED'; Category = 'AuthenticationError' }
                @{ Case = 'a malformed service account'; ErrorId = 'InvalidParameter.ServiceAccount'; Category = 'InvalidArgument' }) }
        @{ Command = 'Test-StsSubjectToken'; Sets = @('__AllParameterSets'); Errors = @(
                @{ Case = 'an unknown token type'; ErrorId = 'InvalidParameter.SubjectTokenType'; Category = 'InvalidArgument' }) }
    )
    $setCases = foreach ($row in $coverage) { foreach ($set in $row.Sets) { @{ Command = $row.Command; Set = $set } } }
    $errorCases = foreach ($row in $coverage) { foreach ($case in $row.Errors) { $case + @{ Command = $row.Command } } }
    $tables = @{ SetCases = @($setCases); ErrorCases = @($errorCases) }
}

BeforeAll {
    Import-Module $env:STSPOWERSHELL_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
    $script:emulator = Start-TestStsEmulator
    $script:provider = $script:emulator.workloadProvider
    $script:endpoint = $script:emulator.tokenEndpoint
    $script:iam = $script:emulator.iamCredentialsEndpoint
    $script:serviceAccount = $script:emulator.serviceAccount
    # The emulator's AWS test keys (tests/StsEmulator/Aws/AwsSettings.cs).
    $script:accessKey = 'AKIAEMULATOREXAMPLE1'
    $script:secretKey = 'emulator/Secret+Access/Key0000000000000'

    $script:savedEnvironment = Clear-TestEnvironment

    $script:folder = (Enter-TestHome -Emulator $script:emulator).Folder
    # Azure's instance metadata service, for Get-AzureManagedIdentityToken: the emulator's, never 169.254.169.254.
    $env:AZURE_POD_IDENTITY_AUTHORITY_HOST = $script:emulator.azureImdsAuthorityHost
    $script:userIdentity = $script:emulator.azureUserIdentity

    $script:credentialsFile = Join-Path $script:folder 'aws-credentials'
    Set-Content -Path $script:credentialsFile -Value "[build]`naws_access_key_id = $($script:accessKey)`naws_secret_access_key = $($script:secretKey)"

    # The shared New-TestConfiguration writes into this file's folder for this file's emulator.
    $PSDefaultParameterValues = @{ 'New-TestConfiguration:Emulator' = $script:emulator; 'New-TestConfiguration:Folder' = $script:folder }

    function New-FederatedToken {
        param([switch] $AsPlainText)
        Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -SubjectToken (New-TestJwt -Emulator $script:emulator) -SubjectTokenType jwt `
            -Audience $script:provider -Scope cloud-platform -AsPlainText:$AsPlainText
    }

    function ConvertTo-PlainText {
        param($Value)
        if ($Value -is [securestring]) { [System.Net.NetworkCredential]::new('', $Value).Password } else { $Value }
    }

    # The claims of a JWT, decoded (never verified): enough to see what a token says.
    function Get-JwtClaims {
        param([string] $Jwt)
        $payload = $Jwt.Split('.')[1].Replace('-', '+').Replace('_', '/')
        $payload += '=' * ((4 - $payload.Length % 4) % 4)
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($payload)) | ConvertFrom-Json
    }

    # The parameter set PowerShell picks for these arguments (and pipeline input), without running the cmdlet:
    # a script proxy with the cmdlet's own param block reports $PSCmdlet.ParameterSetName.
    function Resolve-ParameterSet {
        param([string] $Command, [hashtable] $Parameters, [object[]] $InputObject)
        $metadata = [System.Management.Automation.CommandMetadata]::new((Get-Command $Command))
        $probe = [scriptblock]::Create(
            [System.Management.Automation.ProxyCommand]::GetCmdletBindingAttribute($metadata) +
            "`nparam(" + [System.Management.Automation.ProxyCommand]::GetParamBlock($metadata) + ")`nprocess { `$PSCmdlet.ParameterSetName }")
        if ($PSBoundParameters.ContainsKey('InputObject')) { $InputObject | & $probe @Parameters } else { & $probe @Parameters }
    }

    # The error a call fails with; -ErrorAction Stop inside the calls makes terminating and non-terminating
    # errors alike land here.
    function Get-Failure {
        param([scriptblock] $Call)
        try { & $Call | Out-Null } catch { return $_ }
        $null
    }

    # An AWS.Tools-like credentials object: a real .NET type (the module reads it by reflection), not a PSObject.
    . ([scriptblock]::Create('class CoverageAwsCredentials { [string] $AccessKey; [string] $SecretKey; [string] $Token }'))

    # Issue 17: a client certificate (ECDSA, from a CA made here) as object, store entry, PFX and PEM files. Over the
    # emulator's plain HTTP no certificate reaches TLS, so the X.509 provider's refusal shows the set ran and sent an
    # mtls token; tests/Pester/X509Federation.Tests.ps1 runs the same over mutual TLS.
    $script:x509Provider = $script:emulator.x509Provider
    function New-CoverageCertificate {
        param([string] $Subject, [DateTimeOffset] $NotBefore = [DateTimeOffset]::UtcNow.AddHours(-1), [DateTimeOffset] $NotAfter = [DateTimeOffset]::UtcNow.AddDays(1))
        $key = [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP256)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new($Subject, $key, [System.Security.Cryptography.HashAlgorithmName]::SHA256)
        $request.CreateSelfSigned($NotBefore, $NotAfter)
    }
    $script:certificate = New-CoverageCertificate -Subject 'CN=coverage.example'
    $script:pfxFile = Join-Path $script:folder 'coverage.pfx'
    [IO.File]::WriteAllBytes($script:pfxFile, $script:certificate.Export('Pfx', 'coverage-pfx'))
    $script:pfxPassword = ConvertTo-SecureString 'coverage-pfx' -AsPlainText -Force
    $script:certificatePem = Join-Path $script:folder 'coverage.crt'
    Set-Content -Path $script:certificatePem -Value $script:certificate.ExportCertificatePem()
    $script:keyPem = Join-Path $script:folder 'coverage.key'
    Set-Content -Path $script:keyPem -Value ([System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($script:certificate).ExportPkcs8PrivateKeyPem())
    $script:expiredPfx = Join-Path $script:folder 'expired.pfx'
    [IO.File]::WriteAllBytes($script:expiredPfx, (New-CoverageCertificate -Subject 'CN=expired.example' -NotBefore '2000-01-01Z' -NotAfter '2001-01-01Z').Export('Pfx'))
    $script:badChain = Join-Path $script:folder 'bad-chain.pem'
    Set-Content -Path $script:badChain -Value ((New-CoverageCertificate -Subject 'CN=other').ExportCertificatePem() + "`n" + $script:certificate.ExportCertificatePem())
    $script:store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
    $script:store.Open('ReadWrite')
    $script:storedCertificate = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12($script:certificate.Export('Pfx'), $null, 'Exportable')
    $script:store.Add($script:storedCertificate)
    $script:refusedWithoutTls = {
        param($result)
        $result | Should -BeNullOrEmpty
        $Error[0].FullyQualifiedErrorId | Should -BeLike 'StsOAuthError.invalid_grant,*'
        $Error[0].Exception.Message | Should -Match 'no client certificate was presented'
    }

    # One sample call per parameter set in the coverage table: the arguments, optional pipeline input, and
    # what the result must show.
    $script:exportEndpoints = @{ Audience = $script:provider; TokenEndpoint = $script:endpoint; TokenInfoEndpoint = $script:emulator.tokenInfoEndpoint
        IamCredentialsEndpoint = $script:iam; Path = $script:folder; NoEnvironmentVariable = $true }
    $script:setSamples = @{
        'ConvertTo-GoogleExecutableResponse/Token'       = @{
            Input      = @([pscustomobject]@{ SubjectToken = (ConvertTo-SecureString (New-TestJwt -Emulator $script:emulator) -AsPlainText -Force); SubjectTokenType = 'jwt' })
            Parameters = @{}
            Check      = {
                param($result)
                $response = $result | ConvertFrom-Json
                $response.version | Should -Be 1
                $response.success | Should -BeTrue
                $response.token_type | Should -Be 'urn:ietf:params:oauth:token-type:jwt'
                (Get-JwtClaims $response.id_token).exp | Should -Be $response.expiration_time
            }
        }
        'ConvertTo-GoogleExecutableResponse/Error'       = @{
            Parameters = @{ ErrorRecord = [System.Management.Automation.ErrorRecord]::new([InvalidOperationException]::new('no token here'), 'IdTokenUnavailable.AzurePipelines', 'ObjectNotFound', $null) }
            Check      = {
                param($result)
                $response = $result | ConvertFrom-Json
                $response.success | Should -BeFalse
                $response.code | Should -Be 'IdTokenUnavailable.AzurePipelines'
                $response.message | Should -Be 'no token here'
            }
        }
        'Export-GoogleAccessToken/__AllParameterSets'   = @{
            Input      = @([pscustomobject]@{ AccessToken = 'ya29.coverage' })
            Parameters = @{ Path = $script:folder; NoEnvironmentVariable = $true }
            Check      = {
                param($result)
                $result | Should -BeOfType ([StsPowerShell.GoogleCredentialExport])
                Get-Content -Raw $result.Path | Should -BeExactly 'ya29.coverage'
                $result | Remove-GoogleCredentialConfiguration
            }
        }
        'Export-GoogleCredentialConfiguration/SubjectToken' = @{
            Parameters = $script:exportEndpoints + @{ SubjectToken = (New-TestJwt -Emulator $script:emulator) }
            Check      = {
                param($result)
                $result.CredentialSource | Should -Be 'file'
                (Get-GoogleExternalAccountToken -ConfigurationFile $result.Path -Force).TokenType | Should -Be 'Bearer'
            }
        }
        'Export-GoogleCredentialConfiguration/AzurePipelines' = @{
            Parameters = $script:exportEndpoints + @{ AzurePipelines = $true; ServiceConnectionId = $script:emulator.azureServiceConnectionId }
            Check      = {
                param($result)
                (Get-Content -Raw $result.Path | ConvertFrom-Json).credential_source.executable.command | Should -Match 'print-subject-token\.ps1$'
                Get-Content -Raw $result.Files[0] | Should -Match "Get-AzurePipelinesIdToken -ServiceConnectionId '$($script:emulator.azureServiceConnectionId)'"
            }
        }
        'Export-GoogleCredentialConfiguration/AzureManagedIdentity' = @{
            Parameters = $script:exportEndpoints + @{ AzureManagedIdentity = $true; Resource = $script:emulator.azureAppIdUri; ClientId = $script:userIdentity.clientId }
            Check      = {
                param($result)
                Get-Content -Raw $result.Files[0] | Should -Match "Get-AzureManagedIdentityToken -Resource '$([regex]::Escape($script:emulator.azureAppIdUri))' -ClientId '$($script:userIdentity.clientId)'"
            }
        }
        'Export-GoogleCredentialConfiguration/GitHubActions' = @{
            Parameters = $script:exportEndpoints + @{ GitHubActions = $true; TokenAudience = "https:$($script:provider)" }
            Setup      = { $env:ACTIONS_ID_TOKEN_REQUEST_URL = $script:emulator.gitHubIdTokenRequestUrl; $env:ACTIONS_ID_TOKEN_REQUEST_TOKEN = $script:emulator.gitHubIdTokenRequestToken }
            Check      = {
                param($result)
                $env:ACTIONS_ID_TOKEN_REQUEST_URL = $null; $env:ACTIONS_ID_TOKEN_REQUEST_TOKEN = $null
                $result.CredentialSource | Should -Be 'url'
                (Get-GoogleExternalAccountToken -ConfigurationFile $result.Path -Force).TokenType | Should -Be 'Bearer'
            }
        }
        'Export-GoogleCredentialConfiguration/Aws'       = @{
            Parameters = $script:exportEndpoints + @{ Aws = $true; Imdsv2 = $true; InstanceMetadataEndpoint = $script:emulator.baseUrl }
            Check      = {
                param($result)
                $result.CredentialSource | Should -Be 'aws1'
                (Get-GoogleExternalAccountToken -ConfigurationFile $result.Path -Force).TokenType | Should -Be 'Bearer'
            }
        }
        'Export-GoogleCredentialConfiguration/CertificateFiles' = @{
            Parameters = @{ Audience = $script:x509Provider; CertificateFile = $script:certificatePem; PrivateKeyFile = $script:keyPem; TrustChainPath = $script:certificatePem
                TokenEndpoint = $script:endpoint; Path = $script:folder; NoEnvironmentVariable = $true }
            Check      = {
                param($result)
                $configuration = Get-Content -Raw $result.Path | ConvertFrom-Json
                $configuration.subject_token_type | Should -Be 'urn:ietf:params:oauth:token-type:mtls'
                $configuration.credential_source.certificate.trust_chain_path | Should -Be $script:certificatePem
                $workload = (Get-Content -Raw $configuration.credential_source.certificate.certificate_config_location | ConvertFrom-Json).cert_configs.workload
                $workload.cert_path | Should -Be $script:certificatePem
                $workload.key_path | Should -Be $script:keyPem
                # The module reads it as its own: the certificate loads, and the emulator's plain http refuses it, as without mutual TLS.
                Get-GoogleExternalAccountToken -ConfigurationFile ($result.Path) -Force -ErrorAction SilentlyContinue -ErrorVariable refused | Out-Null
                $refused[0].FullyQualifiedErrorId | Should -Not -BeLike 'ExternalAccountConfigurationInvalid*'
                $refused[0].FullyQualifiedErrorId | Should -Not -BeLike 'SubjectTokenUnavailable*'
            }
        }
        'Export-GoogleCredentialConfiguration/CertificateConfig' = @{
            Parameters = @{ Audience = $script:x509Provider; CertificateConfigLocation = $script:certificatePem; TokenEndpoint = $script:endpoint; Path = $script:folder; NoEnvironmentVariable = $true }
            Check      = {
                param($result)
                $configuration = Get-Content -Raw $result.Path | ConvertFrom-Json
                $configuration.credential_source.certificate.certificate_config_location | Should -Be $script:certificatePem
                $configuration.token_url | Should -Be $script:endpoint
            }
        }
        'Export-GoogleCredentialConfiguration/DefaultCertificateConfig' = @{
            Parameters = @{ Audience = $script:x509Provider; UseDefaultCertificateConfig = $true; ServiceAccount = $script:serviceAccount; Path = $script:folder; NoEnvironmentVariable = $true }
            Check      = {
                param($result)
                $configuration = Get-Content -Raw $result.Path | ConvertFrom-Json
                $configuration.credential_source.certificate.use_default_certificate_config | Should -BeTrue
                $configuration.token_url | Should -Be 'https://sts.mtls.googleapis.com/v1/token'
                $configuration.service_account_impersonation_url | Should -BeLike 'https://iamcredentials.mtls.googleapis.com/v1/projects/-/serviceAccounts/*'
            }
        }
        'Remove-GoogleCredentialConfiguration/__AllParameterSets' = @{
            Input      = @(Export-GoogleAccessToken -AccessToken 'ya29.to-remove' -Path $script:folder -NoEnvironmentVariable)
            Parameters = @{}
            Check      = {
                param($result, $source)
                $result | Should -BeNullOrEmpty
                Test-Path -LiteralPath $source.Folder | Should -BeFalse
            }
        }
        'Invoke-StsTokenExchange/Certificate'             = @{
            Parameters = @{ TokenEndpoint = $script:endpoint; Certificate = $script:certificate; Audience = $script:x509Provider; Scope = 'cloud-platform'; MaximumRetryCount = 0; ErrorAction = 'SilentlyContinue' }
            Check      = $script:refusedWithoutTls
        }
        'Invoke-StsTokenExchange/CertificateThumbprint'   = @{
            Parameters = @{ TokenEndpoint = $script:endpoint; CertificateThumbprint = $script:certificate.Thumbprint; CertificateStoreLocation = 'CurrentUser'
                Audience = $script:x509Provider; Scope = 'cloud-platform'; MaximumRetryCount = 0; ErrorAction = 'SilentlyContinue' }
            Check      = $script:refusedWithoutTls
        }
        'Invoke-StsTokenExchange/Pfx'                     = @{
            Parameters = @{ TokenEndpoint = $script:endpoint; PfxFile = $script:pfxFile; PfxPassword = $script:pfxPassword; ReuseToken = $true
                Audience = $script:x509Provider; Scope = 'cloud-platform'; MaximumRetryCount = 0; ErrorAction = 'SilentlyContinue' }
            Check      = $script:refusedWithoutTls
        }
        'Invoke-StsTokenExchange/Pem'                     = @{
            Parameters = @{ TokenEndpoint = $script:endpoint; CertificateFile = $script:certificatePem; PrivateKeyFile = $script:keyPem; CertificateChainFile = $script:certificatePem
                Audience = $script:x509Provider; Scope = 'cloud-platform'; MaximumRetryCount = 0; ErrorAction = 'SilentlyContinue' }
            Check      = $script:refusedWithoutTls
        }
        'Get-AzureManagedIdentityToken/SystemAssigned'    = @{
            Parameters = @{ Audience = $script:provider }
            Check      = {
                param($result)
                $result | Should -BeOfType ([StsPowerShell.OidcSubjectToken])
                $result.Source | Should -Be 'Imds'
                $result.Issuer | Should -Be $script:emulator.azureIssuer
                $result.Subject | Should -Be $script:emulator.azureSystemIdentity.objectId
                $result.TokenAudience | Should -Be ('https://iam.googleapis.com/' + $script:provider.Substring('//iam.googleapis.com/'.Length))
                $result.Audience | Should -Be $script:provider
                $result.SubjectToken | Should -BeOfType ([securestring])
                # The provider travels with the token: the exchange needs no -Audience.
                ($result | Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -Scope cloud-platform).TokenType | Should -Be 'Bearer'
            }
        }
        'Get-AzureManagedIdentityToken/ClientId'          = @{
            Parameters = @{ Resource = $script:emulator.azureAppIdUri; ClientId = $script:userIdentity.clientId; AsPlainText = $true }
            Check      = {
                param($result)
                $result.Subject | Should -Be $script:userIdentity.objectId
                $result.TokenAudience | Should -Be $script:emulator.azureAppIdUri
                $result.PSObject.Properties.Name | Should -Not -Contain 'Audience'
                (Get-JwtClaims $result.SubjectToken).appid | Should -Be $script:userIdentity.clientId
            }
        }
        'Get-AzureManagedIdentityToken/ObjectId'          = @{
            Parameters = @{ Resource = $script:emulator.azureAppIdUri; ObjectId = $script:userIdentity.objectId; Source = 'Imds' }
            Check      = {
                param($result)
                $result.Subject | Should -Be $script:userIdentity.objectId
                ($result | Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -Audience $script:provider -Scope cloud-platform).TokenType | Should -Be 'Bearer'
            }
        }
        'Get-AzureManagedIdentityToken/ResourceId'        = @{
            Parameters = @{ Audience = $script:provider; ResourceId = $script:userIdentity.resourceId }
            Check      = {
                param($result)
                $result.Subject | Should -Be $script:userIdentity.objectId
                $result.Audience | Should -Be $script:provider
            }
        }
        'Get-AzurePipelinesIdToken/__AllParameterSets'     = @{
            Parameters = @{ ServiceConnectionId = $script:emulator.azureServiceConnectionId; OidcRequestUri = $script:emulator.azureOidcRequestUri
                SystemAccessToken = (ConvertTo-SecureString $script:emulator.azureSystemAccessToken -AsPlainText -Force) }
            Check      = {
                param($result)
                $result | Should -BeOfType ([StsPowerShell.OidcSubjectToken])
                $result.Source | Should -Be 'AzurePipelines'
                $result.Subject | Should -Be "sc://emulator-org/emulator-project/$($script:emulator.azureServiceConnectionId)"
                $result.SubjectToken | Should -BeOfType ([securestring])
            }
        }
        'Get-GitHubActionsIdToken/__AllParameterSets'      = @{
            Parameters = @{ Audience = "https:$($script:provider)"; RequestUrl = $script:emulator.gitHubIdTokenRequestUrl
                RequestToken = $script:emulator.gitHubIdTokenRequestToken; AsPlainText = $true }
            Check      = {
                param($result)
                $result.Source | Should -Be 'GitHubActions'
                $result.TokenAudience | Should -Be "https:$($script:provider)"
                (Get-JwtClaims $result.SubjectToken).aud | Should -Be "https:$($script:provider)"
            }
        }
        'Get-GoogleExternalAccountToken/__AllParameterSets' = @{
            Parameters = @{ ConfigurationFile = (New-TestConfiguration); Scope = 'cloud-platform.read-only'; Force = $true; TimeoutSec = 10; AsPlainText = $true }
            Check      = {
                param($result)
                $result | Should -BeOfType ([StsPowerShell.StsToken])
                $result.Scope | Should -Be 'https://www.googleapis.com/auth/cloud-platform.read-only'
                $result.AccessToken | Should -BeLike 'ya29.emulator.*'
            }
        }
        'Invoke-StsTokenExchange/Exchange'                = @{
            Parameters = @{ TokenEndpoint = $script:endpoint; SubjectToken = (New-TestJwt -Emulator $script:emulator); SubjectTokenType = 'jwt'
                Audience = $script:provider; Scope = 'cloud-platform'; RequestedTokenType = 'access_token'; TimeoutSec = 10; MaximumRetryCount = 0; AsPlainText = $true }
            Check      = {
                param($result)
                $result.IssuedTokenType | Should -Be 'urn:ietf:params:oauth:token-type:access_token'
                $result.Scope | Should -Be 'https://www.googleapis.com/auth/cloud-platform'
                $result.AccessToken | Should -BeLike 'ya29.emulator.*'
            }
        }
        # The emulator knows no client and supports no actor token: its refusals show that each set's fields were sent.
        'Invoke-StsTokenExchange/ClientCredential'        = @{
            Parameters = @{ TokenEndpoint = $script:endpoint; SubjectToken = (New-TestJwt -Emulator $script:emulator); SubjectTokenType = 'jwt'; Audience = $script:provider
                ClientCredential = [pscredential]::new('coverage-client', (ConvertTo-SecureString 'coverage-secret' -AsPlainText -Force)); ClientAuthentication = 'RequestBody'
                ErrorAction = 'SilentlyContinue' }
            Check      = {
                param($result)
                $result | Should -BeNullOrEmpty
                $Error[0].FullyQualifiedErrorId | Should -BeLike 'StsOAuthError.invalid_client,*'
            }
        }
        'Invoke-StsTokenExchange/ActorToken'              = @{
            Parameters = @{ TokenEndpoint = $script:endpoint; SubjectToken = (New-TestJwt -Emulator $script:emulator); SubjectTokenType = 'jwt'; Audience = $script:provider
                ActorToken = 'actor-token-value'; ActorTokenType = 'jwt'; ErrorAction = 'SilentlyContinue' }
            Check      = {
                param($result)
                $result | Should -BeNullOrEmpty
                $Error[0].FullyQualifiedErrorId | Should -BeLike 'StsOAuthError.invalid_request,*'
                $Error[0].Exception.Message | Should -Match 'actor_token'
            }
        }
        'Invoke-StsTokenExchange/Refresh'                 = @{
            Parameters = @{ TokenEndpoint = $script:endpoint; SubjectToken = (New-TestJwt -Emulator $script:emulator); SubjectTokenType = 'jwt'
                Audience = $script:provider; Scope = 'cloud-platform'; ReuseToken = $true; Force = $true; AsPlainText = $true }
            Check      = {
                param($result)
                $result.AccessToken | Should -BeLike 'ya29.emulator.*'
            }
        }
        'New-AwsCallerIdentityToken/Discovery'             = @{
            Parameters = @{ Audience = $script:provider; ProfileName = 'build'; ProfileLocation = $script:credentialsFile; Region = 'us-east-1' }
            Check      = {
                param($result)
                $result.CredentialSource | Should -Be "profile 'build'"
                $result.AccessKeyId | Should -Be $script:accessKey
                ($result | Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -Scope cloud-platform).TokenType | Should -Be 'Bearer'
            }
        }
        'New-AwsCallerIdentityToken/AccessKey'             = @{
            Parameters = @{ Audience = $script:provider; AccessKey = $script:accessKey; SecretKey = (ConvertTo-SecureString $script:secretKey -AsPlainText -Force); Region = 'eu-west-1' }
            Check      = {
                param($result)
                $result.Region | Should -Be 'eu-west-1'
                $result.CredentialSource | Should -Be 'parameters'
                ($result | Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -Scope cloud-platform).TokenType | Should -Be 'Bearer'
            }
        }
        'New-AwsCallerIdentityToken/Credential'            = @{
            Parameters = @{ Audience = $script:provider; Credential = [CoverageAwsCredentials]@{ AccessKey = $script:accessKey; SecretKey = $script:secretKey }; Region = 'us-east-1' }
            Check      = {
                param($result)
                $result.CredentialSource | Should -Be '-Credential'
                $result.AccessKeyId | Should -Be $script:accessKey
                ($result | Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -Scope cloud-platform).TokenType | Should -Be 'Bearer'
            }
        }
        'New-GoogleAccessBoundaryRule/__AllParameterSets'  = @{
            Parameters = @{ AvailableResource = '//storage.googleapis.com/projects/_/buckets/reports'; AvailablePermission = 'roles/storage.objectViewer'
                ConditionExpression = "resource.name.startsWith('projects/_/buckets/reports/objects/2024/')"; ConditionTitle = 'only 2024'; ConditionDescription = 'reports of 2024' }
            Check      = {
                param($result)
                $result.AvailablePermissions | Should -Be 'inRole:roles/storage.objectViewer'
                $result.ConditionExpression | Should -BeLike 'resource.name.startsWith(*'
                $result.ConditionTitle | Should -Be 'only 2024'
                ($result | Format-List | Out-String) | Should -Match 'reports of 2024'
            }
        }
        'New-GoogleDownscopedAccessToken/FederatedToken'   = @{
            Input      = @(New-FederatedToken)
            Parameters = @{ AccessBoundaryRule = (New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/b -AvailablePermission roles/storage.objectViewer)
                TokenEndpoint = $script:endpoint; AsPlainText = $true }
            Check      = {
                param($result, $source)
                $result.AccessToken | Should -BeLike 'ya29.emulator.*'
                $result.AccessToken | Should -Not -Be (ConvertTo-PlainText $source.AccessToken)
                $result.ExpiresOn | Should -Be $source.ExpiresOn
            }
        }
        'New-GoogleDownscopedAccessToken/AccessToken'      = @{
            Parameters = @{ AccessToken = (New-FederatedToken -AsPlainText).AccessToken; TokenEndpoint = $script:endpoint
                AccessBoundaryRule = (New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/b -AvailablePermission roles/storage.objectViewer) }
            Check      = {
                param($result)
                $result.AccessToken | Should -BeOfType ([securestring])
                $result.IssuedTokenType | Should -Be 'urn:ietf:params:oauth:token-type:access_token'
            }
        }
        'New-GoogleServiceAccountAccessToken/FederatedToken' = @{
            Input      = @(New-FederatedToken)
            Parameters = @{ ServiceAccount = $script:serviceAccount; IamCredentialsEndpoint = $script:iam; Scope = 'devstorage.read_only'; LifetimeSec = 1800; Delegate = $script:serviceAccount }
            Check      = {
                param($result)
                $result.Scope | Should -Be 'https://www.googleapis.com/auth/devstorage.read_only'
                # 1800 s asked for; the emulator answers with an expireTime of whole seconds.
                ($result.ExpiresOn - [DateTimeOffset]::UtcNow).TotalSeconds | Should -BeGreaterThan 1700
                ($result.ExpiresOn - [DateTimeOffset]::UtcNow).TotalSeconds | Should -BeLessOrEqual 1800
            }
        }
        'New-GoogleServiceAccountAccessToken/AccessToken'  = @{
            Parameters = @{ ServiceAccount = $script:serviceAccount; IamCredentialsEndpoint = $script:iam; AccessToken = (New-FederatedToken).AccessToken; AsPlainText = $true }
            Check      = {
                param($result)
                $result.AccessToken | Should -BeLike 'ya29.emulator.*'
                $result.Scope | Should -Be 'https://www.googleapis.com/auth/cloud-platform'
            }
        }
        'New-GoogleServiceAccountIdToken/FederatedToken'   = @{
            Input      = @(New-FederatedToken)
            Parameters = @{ ServiceAccount = $script:serviceAccount; IamCredentialsEndpoint = $script:iam; Audience = 'https://service.example/'; IncludeEmail = $true; AsPlainText = $true }
            Check      = {
                param($result)
                $claims = Get-JwtClaims $result.AccessToken
                $claims.aud | Should -Be 'https://service.example/'
                $claims.email | Should -Be $script:serviceAccount
            }
        }
        'New-GoogleServiceAccountIdToken/AccessToken'      = @{
            Parameters = @{ ServiceAccount = $script:serviceAccount; IamCredentialsEndpoint = $script:iam; Audience = 'https://service.example/'
                AccessToken = (New-FederatedToken -AsPlainText).AccessToken; AsPlainText = $true }
            Check      = {
                param($result)
                $result.IssuedTokenType | Should -Be 'urn:ietf:params:oauth:token-type:id_token'
                (Get-JwtClaims $result.AccessToken).PSObject.Properties.Name | Should -Not -Contain 'email'
            }
        }
        'Test-StsSubjectToken/__AllParameterSets'          = @{
            Parameters = @{ SubjectToken = (New-TestJwt -Emulator $script:emulator); SubjectTokenType = 'urn:ietf:params:oauth:token-type:jwt'; Audience = $script:provider }
            Check      = {
                param($result)
                @($result).Count | Should -BeGreaterThan 5
                $result | Should -BeOfType ([StsPowerShell.Core.Google.SubjectTokenCheck])
                $result | Where-Object Passed -EQ $false | Should -BeNullOrEmpty
            }
        }
    }

    # One call per error case in the coverage table, each failing as the row says.
    $script:errorCalls = @{
        'ConvertTo-GoogleExecutableResponse/a token type an executable cannot answer with' = {
            ConvertTo-GoogleExecutableResponse -SubjectToken 'ya29.not-a-subject' -SubjectTokenType access_token -ErrorAction Stop }
        'ConvertTo-GoogleExecutableResponse/an expiry already past' = {
            ConvertTo-GoogleExecutableResponse -SubjectToken (New-TestJwt -Emulator $script:emulator) -ExpiresOn ([DateTimeOffset]::UtcNow.AddHours(-1)) -ErrorAction Stop }
        'Export-GoogleAccessToken/a folder that does not exist'                           = {
            Export-GoogleAccessToken -AccessToken 'ya29.x' -Path (Join-Path $script:folder 'missing-folder') -NoEnvironmentVariable -ErrorAction Stop }
        'Export-GoogleCredentialConfiguration/an audience that is no pool provider'        = {
            Export-GoogleCredentialConfiguration -SubjectToken 'x.y.z' -Audience 'my-provider' -Path $script:folder -NoEnvironmentVariable -ErrorAction Stop }
        'Export-GoogleCredentialConfiguration/a token lifetime without a service account'  = {
            Export-GoogleCredentialConfiguration -SubjectToken 'x.y.z' -Audience $script:provider -TokenLifetimeSec 1200 -Path $script:folder -NoEnvironmentVariable -ErrorAction Stop }
        'Export-GoogleCredentialConfiguration/GitHub Actions outside a GitHub Actions job' = {
            Export-GoogleCredentialConfiguration -GitHubActions -Audience $script:provider -Path $script:folder -NoEnvironmentVariable -ErrorAction Stop }
        'Remove-GoogleCredentialConfiguration/no path'                                    = {
            Remove-GoogleCredentialConfiguration -LiteralPath $null -ErrorAction Stop }
        'Get-AzureManagedIdentityToken/a user-assigned identity the endpoint does not know' = {
            Get-AzureManagedIdentityToken -Audience $script:provider -ClientId ([guid]::NewGuid()) -MaximumRetryCount 0 -ErrorAction Stop }
        'Get-AzureManagedIdentityToken/neither a resource nor an audience'                 = {
            Get-AzureManagedIdentityToken -ErrorAction Stop }
        'Get-AzureManagedIdentityToken/App Service asked for where it is not configured'   = {
            Get-AzureManagedIdentityToken -Audience $script:provider -Source AppService -ErrorAction Stop }
        'Get-AzureManagedIdentityToken/a user-assigned identity on Azure Arc'              = {
            Get-AzureManagedIdentityToken -Audience $script:provider -Source AzureArc -ClientId $script:userIdentity.clientId -ErrorAction Stop }
        'Get-AzurePipelinesIdToken/a System.AccessToken the service refuses'              = {
            Get-AzurePipelinesIdToken -ServiceConnectionId $script:emulator.azureServiceConnectionId -OidcRequestUri $script:emulator.azureOidcRequestUri -SystemAccessToken 'not-the-job-token' -ErrorAction Stop }
        'Get-AzurePipelinesIdToken/a service connection the service does not know'        = {
            Get-AzurePipelinesIdToken -ServiceConnectionId ([guid]::Empty) -OidcRequestUri $script:emulator.azureOidcRequestUri -SystemAccessToken $script:emulator.azureSystemAccessToken -ErrorAction Stop }
        'Get-AzurePipelinesIdToken/a relative OIDC request URI'                           = {
            Get-AzurePipelinesIdToken -ServiceConnectionId $script:emulator.azureServiceConnectionId -OidcRequestUri 'azure/oidctoken' -SystemAccessToken $script:emulator.azureSystemAccessToken -ErrorAction Stop }
        'Get-GitHubActionsIdToken/a request token the service refuses'                    = {
            Get-GitHubActionsIdToken -RequestUrl $script:emulator.gitHubIdTokenRequestUrl -RequestToken 'not-the-job-token' -ErrorAction Stop }
        'Get-GitHubActionsIdToken/a relative request URL'                                 = {
            Get-GitHubActionsIdToken -RequestUrl 'github/idtoken' -RequestToken $script:emulator.gitHubIdTokenRequestToken -ErrorAction Stop }
        'Get-GoogleExternalAccountToken/a configuration file with an unknown field'       = {
            Get-GoogleExternalAccountToken -ConfigurationFile (New-TestConfiguration -Extra @{ token_lifetime = 3600 }) -ErrorAction Stop }
        'Get-GoogleExternalAccountToken/a subject token for another audience'             = {
            Get-GoogleExternalAccountToken -ConfigurationFile (New-TestConfiguration -Audience 'https://someone.else') -ErrorAction Stop }
        'Invoke-StsTokenExchange/an audience that names no provider'                      = {
            Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -SubjectToken (New-TestJwt -Emulator $script:emulator) -SubjectTokenType jwt -Scope cloud-platform `
                -Audience '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/none/providers/none' -ErrorAction Stop }
        'Invoke-StsTokenExchange/a malformed resource'                                    = {
            Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -SubjectToken 'subject-value' -SubjectTokenType jwt -Audience $script:provider -Resource 'relative/path' -ErrorAction Stop }
        'Invoke-StsTokenExchange/a certificate without its private key'                   = {
            Invoke-StsTokenExchange -Certificate ([System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificate($script:certificate.RawData)) -TokenEndpoint $script:endpoint -Audience $script:x509Provider -Scope cloud-platform -ErrorAction Stop }
        'Invoke-StsTokenExchange/an expired certificate'                                  = {
            Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -PfxFile $script:expiredPfx -Audience $script:x509Provider -Scope cloud-platform -ErrorAction Stop }
        'Invoke-StsTokenExchange/a chain naming the leaf after its issuer'                = {
            Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -Certificate $script:certificate -CertificateChainFile $script:badChain -Audience $script:x509Provider -Scope cloud-platform -ErrorAction Stop }
        'Invoke-StsTokenExchange/a 500 after every retry'                                 = {
            Add-TestFault -Emulator $script:emulator -Fault @{ status = 500 }
            Add-TestFault -Emulator $script:emulator -Fault @{ status = 500 }
            Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -SubjectToken (New-TestJwt -Emulator $script:emulator) -SubjectTokenType jwt -Audience $script:provider `
                -Scope cloud-platform -MaximumRetryCount 1 -RetryIntervalSec 0 -ErrorAction Stop }
        'New-AwsCallerIdentityToken/an audience that is no provider name'                 = {
            New-AwsCallerIdentityToken -Audience 'my-provider' -AccessKey $script:accessKey -SecretKey $script:secretKey -Region us-east-1 -ErrorAction Stop }
        'New-AwsCallerIdentityToken/no credentials anywhere'                              = {
            $env:AWS_EC2_METADATA_DISABLED = 'true'
            try { New-AwsCallerIdentityToken -Audience $script:provider -Region us-east-1 -ErrorAction Stop } finally { $env:AWS_EC2_METADATA_DISABLED = $null } }
        'New-AwsCallerIdentityToken/no region anywhere'                                   = {
            $env:AWS_EC2_METADATA_DISABLED = 'true'
            try { New-AwsCallerIdentityToken -Audience $script:provider -AccessKey $script:accessKey -SecretKey $script:secretKey -ErrorAction Stop } finally { $env:AWS_EC2_METADATA_DISABLED = $null } }
        'New-GoogleAccessBoundaryRule/a condition title without an expression'            = {
            New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/b -AvailablePermission roles/storage.objectViewer -ConditionTitle 'no expression' -ErrorAction Stop }
        'New-GoogleAccessBoundaryRule/a blank role'                                       = {
            New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/b -AvailablePermission ' ' -ErrorAction Stop }
        'New-GoogleDownscopedAccessToken/an access token the STS did not issue'           = {
            New-GoogleDownscopedAccessToken -AccessToken 'ya29.never-issued' -TokenEndpoint $script:endpoint -ErrorAction Stop `
                -AccessBoundaryRule (New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/b -AvailablePermission roles/storage.objectViewer) }
        'New-GoogleDownscopedAccessToken/a relative token endpoint'                       = {
            New-FederatedToken | New-GoogleDownscopedAccessToken -TokenEndpoint 'v1/token' -ErrorAction Stop `
                -AccessBoundaryRule (New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/b -AvailablePermission roles/storage.objectViewer) }
        'New-GoogleServiceAccountAccessToken/an access token the IAM API does not accept' = {
            New-GoogleServiceAccountAccessToken -ServiceAccount $script:serviceAccount -AccessToken 'ya29.never-issued' -IamCredentialsEndpoint $script:iam -ErrorAction Stop }
        'New-GoogleServiceAccountAccessToken/a service account the principal may not impersonate' = {
            New-FederatedToken | New-GoogleServiceAccountAccessToken -ServiceAccount 'someone-else@other-project.iam.gserviceaccount.com' -IamCredentialsEndpoint $script:iam -ErrorAction Stop }
        'New-GoogleServiceAccountIdToken/an access token the IAM API does not accept'     = {
            New-GoogleServiceAccountIdToken -ServiceAccount $script:serviceAccount -Audience https://service.example/ -AccessToken 'ya29.never-issued' -IamCredentialsEndpoint $script:iam -ErrorAction Stop }
        'New-GoogleServiceAccountIdToken/a malformed service account'                     = {
            New-FederatedToken | New-GoogleServiceAccountIdToken -ServiceAccount 'not an account' -Audience https://service.example/ -IamCredentialsEndpoint $script:iam -ErrorAction Stop }
        'Test-StsSubjectToken/an unknown token type'                                      = {
            Test-StsSubjectToken -SubjectToken (New-TestJwt -Emulator $script:emulator) -SubjectTokenType 'jwtt' -ErrorAction Stop }
    }
}

AfterAll {
    if ($script:store) { $script:store.Remove($script:storedCertificate); $script:store.Dispose() }
    Restore-TestEnvironment -Saved $script:savedEnvironment

    Remove-Item -Recurse -Force $script:folder -ErrorAction SilentlyContinue
    if ($script:emulator) { Stop-TestStsEmulator -Emulator $script:emulator }
}

Describe 'The coverage table' {
    It 'names every exported cmdlet and each of its parameter sets, and nothing else' -ForEach @($tables) {
        $exported = foreach ($command in Get-Command -Module StsPowerShell) {
            foreach ($set in $command.ParameterSets) { "$($command.Name)/$($set.Name)" }
        }
        $listed = $SetCases | ForEach-Object { "$($_.Command)/$($_.Set)" }

        $exported | Where-Object { $_ -cnotin $listed } | Should -BeNullOrEmpty -Because 'every cmdlet and parameter set needs a row in $coverage and a sample call'
        $listed | Where-Object { $_ -cnotin $exported } | Should -BeNullOrEmpty -Because 'the table must not name a cmdlet or set that does not exist'
    }

    It 'has a sample call for every listed parameter set' -ForEach @($tables) {
        $listed = $SetCases | ForEach-Object { "$($_.Command)/$($_.Set)" } | Sort-Object
        @($script:setSamples.Keys | Sort-Object) | Should -Be @($listed)
    }

    It 'has an error path for every exported cmdlet, each with a call' -ForEach @($tables) {
        $withErrors = $ErrorCases | ForEach-Object Command | Select-Object -Unique
        (Get-Command -Module StsPowerShell).Name | Where-Object { $_ -notin $withErrors } | Should -BeNullOrEmpty
        @($script:errorCalls.Keys | Sort-Object) | Should -Be @($ErrorCases | ForEach-Object { "$($_.Command)/$($_.Case)" } | Sort-Object)
    }
}

Describe 'Parameter sets' {
    It '<Command> binds its parameter set <Set> and runs' -ForEach $setCases {
        $sample = $script:setSamples["$Command/$Set"]
        $parameters = $sample.Parameters
        if ($sample.ContainsKey('Setup')) { & $sample.Setup }
        if ($sample.ContainsKey('Input')) {
            Resolve-ParameterSet -Command $Command -Parameters $parameters -InputObject $sample.Input | Should -Be $Set
            $result = $sample.Input | & $Command @parameters
            & $sample.Check $result $sample.Input[0]
        }
        else {
            Resolve-ParameterSet -Command $Command -Parameters $parameters | Should -Be $Set
            $result = & $Command @parameters
            & $sample.Check $result
        }
    }
}

Describe 'Error paths' {
    It '<Command> with <Case> fails with <ErrorId> (<Category>)' -ForEach $errorCases {
        $failure = Get-Failure $script:errorCalls["$Command/$Case"]

        $failure | Should -Not -BeNullOrEmpty -Because 'the call must fail'
        # The whole FullyQualifiedErrorId: the ErrorId, then the cmdlet that raised it.
        $failure.FullyQualifiedErrorId | Should -BeExactly "$ErrorId,$((Get-Command $Command).ImplementingType.FullName)"
        $failure.CategoryInfo.Category | Should -Be $Category
        $failure.Exception.Message | Should -Not -BeNullOrEmpty
    }

    It 'refuses bad input before sending anything' {
        $before = Get-TestRequestCount -Emulator $script:emulator
        $null = Get-Failure $script:errorCalls['Invoke-StsTokenExchange/a malformed resource']
        $null = Get-Failure $script:errorCalls['Invoke-StsTokenExchange/a certificate without its private key']
        $null = Get-Failure $script:errorCalls['Invoke-StsTokenExchange/an expired certificate']
        $null = Get-Failure $script:errorCalls['Invoke-StsTokenExchange/a chain naming the leaf after its issuer']
        $null = Get-Failure $script:errorCalls['Get-GitHubActionsIdToken/a relative request URL']
        $null = Get-Failure $script:errorCalls['New-GoogleAccessBoundaryRule/a blank role']
        Get-TestRequestCount -Emulator $script:emulator | Should -Be $before
    }
}

# The README's chains, with the emulator's endpoints added. Not run here: Install-Module/Save-Module (the
# PowerShell Gallery), gcloud, and Invoke-RestMethod against storage.googleapis.com; the last is replaced by a
# call to the emulator's IAM Credentials API, which checks the bearer token the same way.
Describe 'README pipeline chains' {
    AfterEach {
        foreach ($name in 'SYSTEM_OIDCREQUESTURI', 'SYSTEM_ACCESSTOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'GOOGLE_APPLICATION_CREDENTIALS') {
            [Environment]::SetEnvironmentVariable($name, $null)
        }
    }

    It 'Azure Pipelines: Get-AzurePipelinesIdToken | Invoke-StsTokenExchange | New-GoogleServiceAccountAccessToken, then Invoke-RestMethod -Token' {
        $env:SYSTEM_OIDCREQUESTURI = $script:emulator.azureOidcRequestUri
        $env:SYSTEM_ACCESSTOKEN = $script:emulator.azureSystemAccessToken
        $serviceConnectionId = $script:emulator.azureServiceConnectionId
        $provider = $script:provider

        $token = Get-AzurePipelinesIdToken -ServiceConnectionId $serviceConnectionId |
            Invoke-StsTokenExchange -Audience $provider -Scope cloud-platform -TokenEndpoint $script:endpoint |
            New-GoogleServiceAccountAccessToken -ServiceAccount $script:serviceAccount -IamCredentialsEndpoint $script:iam

        $token.AccessToken | Should -BeOfType ([securestring])
        # The SecureString goes straight into Invoke-RestMethod -Token, as the README shows.
        $answer = Invoke-RestMethod -Method Post -Uri "$($script:iam)/v1/projects/-/serviceAccounts/$($script:serviceAccount):generateIdToken" `
            -Authentication Bearer -Token $token.AccessToken -AllowUnencryptedAuthentication -ContentType 'application/json' -Body '{"audience":"https://service.example/"}'
        (Get-JwtClaims $answer.token).aud | Should -Be 'https://service.example/'
    }

    It 'Azure Pipelines without a service connection: Get-AzurePipelinesIdToken | Invoke-StsTokenExchange, the URL built from the job''s variables' {
        $env:SYSTEM_ACCESSTOKEN = $script:emulator.azureSystemAccessToken
        $variables = @{ SYSTEM_TEAMFOUNDATIONCOLLECTIONURI = $script:emulator.azureCollectionUri; SYSTEM_TEAMPROJECTID = $script:emulator.azureProjectId
            SYSTEM_HOSTTYPE = $script:emulator.azureHostType; SYSTEM_PLANID = $script:emulator.azurePlanId; SYSTEM_JOBID = $script:emulator.azureJobId }
        foreach ($entry in $variables.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
        try {
            $oidc = Get-AzurePipelinesIdToken
            $oidc.Subject | Should -Be 'p://emulator-org/emulator-project/emulator-pipeline'
            ($oidc.ExpiresOn - $oidc.IssuedAt).TotalMinutes | Should -Be 10
            ($oidc | Invoke-StsTokenExchange -Audience $script:provider -Scope cloud-platform -TokenEndpoint $script:endpoint).TokenType | Should -Be 'Bearer'
        }
        finally {
            foreach ($name in $variables.Keys) { [Environment]::SetEnvironmentVariable($name, $null) }
        }
    }

    It 'Azure pipeline not authorised for a service connection: the error says so' {
        $failure = Get-Failure { Get-AzurePipelinesIdToken -ServiceConnectionId $script:emulator.azureUnauthorizedServiceConnectionId -OidcRequestUri $script:emulator.azureOidcRequestUri `
                -SystemAccessToken $script:emulator.azureSystemAccessToken -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike 'IdTokenUnavailable.AzurePipelines,*'
        $failure.Exception.Message | Should -BeLike "*the pipeline must be authorized to use service connection $($script:emulator.azureUnauthorizedServiceConnectionId)*"
    }

    It 'Azure managed identity: Get-AzureManagedIdentityToken -Audience $provider | Invoke-StsTokenExchange -Scope cloud-platform | New-GoogleServiceAccountAccessToken' {
        $provider = $script:provider
        $token = Get-AzureManagedIdentityToken -Audience $provider |
            Invoke-StsTokenExchange -Scope cloud-platform -TokenEndpoint $script:endpoint |
            New-GoogleServiceAccountAccessToken -ServiceAccount $script:serviceAccount -IamCredentialsEndpoint $script:iam

        $token | Should -BeOfType ([StsPowerShell.StsToken])
        $token.ExpiresOn | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
    }

    It 'GitHub Actions: Get-GitHubActionsIdToken -Audience "https:$provider" | Invoke-StsTokenExchange | New-GoogleServiceAccountAccessToken' {
        $env:ACTIONS_ID_TOKEN_REQUEST_URL = $script:emulator.gitHubIdTokenRequestUrl
        $env:ACTIONS_ID_TOKEN_REQUEST_TOKEN = $script:emulator.gitHubIdTokenRequestToken
        $provider = $script:provider

        $token = Get-GitHubActionsIdToken -Audience "https:$provider" |
            Invoke-StsTokenExchange -Audience $provider -Scope cloud-platform -TokenEndpoint $script:endpoint |
            New-GoogleServiceAccountAccessToken -ServiceAccount $script:serviceAccount -IamCredentialsEndpoint $script:iam

        $token | Should -BeOfType ([StsPowerShell.StsToken])
        $token.Scope | Should -Be 'https://www.googleapis.com/auth/cloud-platform'
        $token.ExpiresOn | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
    }

    It 'Windows PowerShell 5.1: -AsPlainText, then the token in an Authorization header' {
        $sa = $script:serviceAccount
        $t = New-FederatedToken | New-GoogleServiceAccountAccessToken -ServiceAccount $sa -AsPlainText -IamCredentialsEndpoint $script:iam

        $t.AccessToken | Should -BeOfType ([string])
        $answer = Invoke-RestMethod -Method Post -Uri "$($script:iam)/v1/projects/-/serviceAccounts/$($sa):generateIdToken" `
            -Headers @{ Authorization = "Bearer $($t.AccessToken)" } -ContentType 'application/json' -Body '{"audience":"https://service.example/"}'
        $answer.token | Should -Not -BeNullOrEmpty
    }

    It 'New-GoogleServiceAccountIdToken -ServiceAccount $sa -Audience https://my-service.example' {
        $id = New-FederatedToken | New-GoogleServiceAccountIdToken -ServiceAccount $script:serviceAccount -Audience https://my-service.example -IamCredentialsEndpoint $script:iam -AsPlainText
        $id.IssuedTokenType | Should -Be 'urn:ietf:params:oauth:token-type:id_token'
        (Get-JwtClaims $id.AccessToken).aud | Should -Be 'https://my-service.example'
    }

    It 'Any OIDC JWT: Invoke-StsTokenExchange -SubjectToken (Get-Content $file -Raw) -SubjectTokenType jwt' {
        $file = Join-Path $script:folder 'oidc.jwt'
        # With the final newline a text file has: Get-Content -Raw keeps it, and the module must not send it.
        Set-Content -Path $file -Value (New-TestJwt -Emulator $script:emulator)
        (Get-Content $file -Raw) | Should -Match "`n$"
        $provider = $script:provider

        $token = Invoke-StsTokenExchange -SubjectToken (Get-Content $file -Raw) -SubjectTokenType jwt -Audience $provider -Scope cloud-platform -TokenEndpoint $script:endpoint
        $token.TokenType | Should -Be 'Bearer'
    }

    It 'AWS: New-AwsCallerIdentityToken -Audience $provider | Invoke-StsTokenExchange -Scope (instance metadata)' {
        $provider = $script:provider
        $token = New-AwsCallerIdentityToken -Audience $provider | Invoke-StsTokenExchange -Scope https://www.googleapis.com/auth/cloud-platform -TokenEndpoint $script:endpoint

        $token.TokenType | Should -Be 'Bearer'
        $token.Scope | Should -Be 'https://www.googleapis.com/auth/cloud-platform'
    }

    It 'gcloud configuration: $env:GOOGLE_APPLICATION_CREDENTIALS, then Get-GoogleExternalAccountToken' {
        $env:GOOGLE_APPLICATION_CREDENTIALS = New-TestConfiguration -Extra @{
            service_account_impersonation_url = "$($script:iam)/v1/projects/-/serviceAccounts/$($script:serviceAccount):generateAccessToken"
        }
        $token = Get-GoogleExternalAccountToken

        $token.AccessToken | Should -BeOfType ([securestring])
        # The impersonated token, from the IAM Credentials endpoint named in the file.
        $token.TokenEndpoint.AbsoluteUri | Should -Be ([uri]$script:iam).AbsoluteUri
    }

    It 'Downscoping: New-GoogleAccessBoundaryRule, then $token | New-GoogleDownscopedAccessToken -AccessBoundaryRule $rule' {
        $env:GOOGLE_APPLICATION_CREDENTIALS = New-TestConfiguration
        $token = Get-GoogleExternalAccountToken -Force

        $rule = New-GoogleAccessBoundaryRule -AvailableResource //storage.googleapis.com/projects/_/buckets/reports -AvailablePermission roles/storage.objectViewer
        $narrow = $token | New-GoogleDownscopedAccessToken -AccessBoundaryRule $rule -TokenEndpoint $script:endpoint

        $narrow | Should -BeOfType ([StsPowerShell.StsToken])
        (ConvertTo-PlainText $narrow.AccessToken) | Should -Not -Be (ConvertTo-PlainText $token.AccessToken)
    }

    It 'Diagnosis: $oidc | Test-StsSubjectToken -Audience $provider | Where-Object Passed -eq $false' {
        $provider = $script:provider
        # Azure DevOps tokens carry aud api://AzureADTokenExchange, which a provider does not allow by default.
        $oidc = Get-AzurePipelinesIdToken -ServiceConnectionId $script:emulator.azureServiceConnectionId -OidcRequestUri $script:emulator.azureOidcRequestUri -SystemAccessToken $script:emulator.azureSystemAccessToken

        $failed = $oidc | Test-StsSubjectToken -Audience $provider | Where-Object Passed -eq $false
        @($failed).Count | Should -Be 1
        $failed.Requirement | Should -BeLike 'aud matches the provider*'
    }

    It 'A token pipes into the next exchange; an AWS token binds SubjectToken, SubjectTokenType and Audience by name' {
        $aws = New-AwsCallerIdentityToken -Audience $script:provider -AccessKey $script:accessKey -SecretKey $script:secretKey -Region us-east-1
        $first = $aws | Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -Scope cloud-platform -AsPlainText
        $second = $first | Invoke-StsTokenExchange -TokenEndpoint $script:endpoint -AsPlainText

        $first.AccessToken | Should -BeLike 'ya29.emulator.*'
        $second.AccessToken | Should -BeLike 'ya29.emulator.*'
        $second.AccessToken | Should -Not -Be $first.AccessToken
    }

    It 'Troubleshooting: Get-AzurePipelinesIdToken | Format-List shows iss, sub, aud and exp, never the token' {
        $oidc = Get-AzurePipelinesIdToken -ServiceConnectionId $script:emulator.azureServiceConnectionId -OidcRequestUri $script:emulator.azureOidcRequestUri `
            -SystemAccessToken $script:emulator.azureSystemAccessToken -AsPlainText
        $shown = $oidc | Format-List | Out-String

        $shown | Should -Match ([regex]::Escape("$($script:emulator.baseUrl)/azure"))
        $shown | Should -Match 'sc://emulator-org/'
        $shown | Should -Match 'api://AzureADTokenExchange'
        $shown | Should -Match 'ExpiresOn'
        $shown | Should -Not -Match ([regex]::Escape($oidc.SubjectToken))
    }
}

Describe 'Parameter sets with pipeline input' {
    # PowerShell must settle on one set before the piped object binds; these forms are the common ones.
    It 'a piped subject token binds with <Form>' -ForEach @(
        @{ Form = 'no option'; Extra = @{}; Set = 'Exchange' }
        @{ Form = '-ReuseToken'; Extra = @{ ReuseToken = $true }; Set = 'Exchange' }
        @{ Form = '-ReuseToken -Force'; Extra = @{ ReuseToken = $true; Force = $true }; Set = 'Refresh' }
        @{ Form = '-ClientCredential'; Extra = @{ ClientCredential = 'client' }; Set = 'Exchange' }
        @{ Form = '-ClientCredential -ClientAuthentication RequestBody'; Extra = @{ ClientCredential = 'client'; ClientAuthentication = 'RequestBody' }; Set = 'ClientCredential' }
        @{ Form = '-ActorToken -ActorTokenType'; Extra = @{ ActorToken = 'actor-value'; ActorTokenType = 'jwt' }; Set = 'ActorToken' }
    ) {
        if ($Extra.ContainsKey('ClientCredential')) { $Extra.ClientCredential = [pscredential]::new('client', (ConvertTo-SecureString 's' -AsPlainText -Force)) }
        $piped = [pscustomobject]@{ SubjectToken = 'subject-value'; SubjectTokenType = 'jwt'; Audience = $script:provider }
        Resolve-ParameterSet -Command Invoke-StsTokenExchange -Parameters $Extra -InputObject $piped | Should -Be $Set
    }
}
