#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Issue 17 over real mutual TLS, in real pwsh: a client certificate made here (trusted by the emulator's X.509
# provider through its control endpoint) is presented to the emulator's HTTPS listener for the exchange and again
# for impersonation, from a PFX, from PEM files and from an exported external_account file. Each case runs in a
# fresh pwsh whose TLS trust, and only its, includes the emulator's test CA (SSL_CERT_FILE; TestProxy.psm1's
# Invoke-TestPwsh). Linux only: SSL_CERT_FILE is how OpenSSL-based .NET takes a CA for one process.

BeforeDiscovery {
    $script:notLinux = -not $IsLinux
    if ($script:notLinux) { Write-Host 'X509Federation.Tests.ps1 is skipped: it scopes TLS trust with SSL_CERT_FILE, which only Linux reads.' }
    Import-Module (Join-Path $PSScriptRoot 'TestGcloud.psm1') -Force
    $script:noGcloud = Get-TestGcloudUnavailableReason
    if ($script:noGcloud) { Write-Host "X509Federation.Tests.ps1: the gcloud case is skipped: $script:noGcloud" }
}

Describe 'X.509 federation over mutual TLS' -Skip:$notLinux {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestStsEmulator.psm1') -Force
        Import-Module (Join-Path $PSScriptRoot 'TestProxy.psm1') -Force
        Import-Module $env:STSPOWERSHELL_MODULE -Force
        $script:emulator = Start-TestStsEmulator -Https
        $script:folder = Join-Path ([IO.Path]::GetTempPath()) "x509-$([guid]::NewGuid())"
        $null = New-Item -ItemType Directory -Path $script:folder

        function New-ClientCertificate([string] $Subject) {
            $key = [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP256)
            $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new($Subject, $key, [System.Security.Cryptography.HashAlgorithmName]::SHA256)
            $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddHours(-1), [DateTimeOffset]::UtcNow.AddDays(1))
        }

        # The trusted workload certificate (its own anchor), as PFX and PEM; and one the provider does not trust.
        $script:certificate = New-ClientCertificate 'CN=workload.example'
        Invoke-RestMethod -Method Post -Uri "$($script:emulator.baseUrl)/emulator/x509/trust" -Body $script:certificate.ExportCertificatePem() | Out-Null
        $script:pfx = Join-Path $script:folder 'workload.pfx'
        [IO.File]::WriteAllBytes($script:pfx, $script:certificate.Export('Pfx', 'pfx-password'))
        $script:certificatePem = Join-Path $script:folder 'workload.crt'
        Set-Content -Path $script:certificatePem -Value $script:certificate.ExportCertificatePem()
        $script:keyPem = Join-Path $script:folder 'workload.key'
        Set-Content -Path $script:keyPem -Value ([System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($script:certificate).ExportPkcs8PrivateKeyPem())
        $script:untrustedPfx = Join-Path $script:folder 'untrusted.pfx'
        [IO.File]::WriteAllBytes($script:untrustedPfx, (New-ClientCertificate 'CN=stranger.example').Export('Pfx', 'pfx-password'))

        $script:environment = @{
            SSL_CERT_FILE   = $script:emulator.tlsCaFile
            TEST_TOKEN_URL  = "$($script:emulator.httpsBaseUrl)/v1/token"
            TEST_IAM        = $script:emulator.httpsBaseUrl
            TEST_PROVIDER   = $script:emulator.x509Provider
            TEST_ACCOUNT    = $script:emulator.serviceAccount
            TEST_PFX        = $script:pfx
            TEST_UNTRUSTED  = $script:untrustedPfx
            TEST_CERT       = $script:certificatePem
            TEST_KEY        = $script:keyPem
            TEST_FOLDER     = $script:folder
        }
        $script:prelude = @'
$password = ConvertTo-SecureString 'pfx-password' -AsPlainText -Force
$exchange = @{ Audience = $env:TEST_PROVIDER; TokenEndpoint = $env:TEST_TOKEN_URL; Scope = 'cloud-platform'; MaximumRetryCount = 0 }
'@
        function Invoke-Case([string] $Script) {
            $result = Invoke-TestPwsh -Script ($script:prelude + "`n" + $Script) -Environment $script:environment
            ($result | Select-Object Output, Errors, Verbose | ConvertTo-Json -Depth 6 -Compress) | Should -Not -MatchExactly 'pfx-password|PRIVATE KEY'
            $result
        }
    }

    It 'gcloud reads an exported certificate configuration: mutual TLS to STS, token info and IAM Credentials' -Skip:([bool]$noGcloud) {
        # google-auth's certificate source, as gcloud bundles it: the leaf and key files named in certificate_config.json,
        # presented in TLS to the emulator's HTTPS listener, which gcloud trusts through CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE.
        Import-Module (Join-Path $PSScriptRoot 'TestGcloud.psm1') -Force
        $endpoints = @{
            Audience          = $script:emulator.x509Provider
            CertificateFile   = $script:certificatePem
            PrivateKeyFile    = $script:keyPem
            TokenEndpoint     = "$($script:emulator.httpsBaseUrl)/v1/token"
            TokenInfoEndpoint = "$($script:emulator.httpsBaseUrl)/v1/introspect"
            Path              = $script:folder
        }
        $trust = @{ CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE = $script:emulator.tlsCaFile }
        $federated = Export-GoogleCredentialConfiguration @endpoints -NoEnvironmentVariable
        $impersonated = Export-GoogleCredentialConfiguration @endpoints -ServiceAccount $script:emulator.serviceAccount -IamCredentialsEndpoint $script:emulator.httpsBaseUrl -NoEnvironmentVariable
        $config = New-TestGcloudConfig
        try {
            $run = Invoke-TestGcloudLogin -Config $config -Emulator $script:emulator -File $federated.Path -Environment $trust -BaseUrl $script:emulator.httpsBaseUrl
            $run.TokenInfo.username | Should -BeLike '*/subject/x509:CN=workload.example'
            $run = Invoke-TestGcloudLogin -Config $config -Emulator $script:emulator -File $impersonated.Path -Environment $trust -BaseUrl $script:emulator.httpsBaseUrl
            $run.TokenInfo.username | Should -Be $script:emulator.serviceAccount
        }
        finally {
            Remove-TestGcloudConfig -Config $config
            $federated, $impersonated | Remove-GoogleCredentialConfiguration
        }
    }

    AfterAll {
        if ($script:emulator) { Stop-TestStsEmulator -Emulator $script:emulator }
        if ($script:folder) { Remove-Item -Recurse -Force $script:folder -ErrorAction SilentlyContinue }
    }

    It 'exchanges with a PFX, and the token carries the certificate into mTLS impersonation' {
        $result = Invoke-Case @'
$federated = Invoke-StsTokenExchange @exchange -PfxFile $env:TEST_PFX -PfxPassword $password
$federated | Select-Object IssuedTokenType, ClientCertificateThumbprint
$federated | New-GoogleServiceAccountAccessToken -ServiceAccount $env:TEST_ACCOUNT -IamCredentialsEndpoint $env:TEST_IAM | Select-Object Scope
'@
        ($result.Errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Message)" }) -join "`n" | Should -BeNullOrEmpty
        $result.Output[0].IssuedTokenType | Should -Be 'urn:ietf:params:oauth:token-type:access_token'
        $result.Output[0].ClientCertificateThumbprint | Should -Be $script:certificate.Thumbprint
        $result.Output[1].Scope | Should -Be 'https://www.googleapis.com/auth/cloud-platform'
    }

    It 'exchanges with PEM certificate and key files, and with a certificate object' {
        $result = Invoke-Case @'
(Invoke-StsTokenExchange @exchange -CertificateFile $env:TEST_CERT -PrivateKeyFile $env:TEST_KEY).TokenType
$certificate = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile($env:TEST_PFX, 'pfx-password')
(Invoke-StsTokenExchange @exchange -Certificate $certificate).TokenType
'@
        ($result.Errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Message)" }) -join "`n" | Should -BeNullOrEmpty
        $result.Output | Should -Be @('Bearer', 'Bearer')
    }

    It 'exchanges each certificate piped in, an error for each unusable one, and goes on with the next' {
        # Get-Item Cert:\... | Invoke-StsTokenExchange: the store is not a drive on Linux, so live objects from PFX files
        # stand in for what the Cert: provider writes (the binder sees the same X509Certificate2).
        $result = Invoke-Case @'
$trusted = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile($env:TEST_PFX, 'pfx-password')
$publicOnly = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificate($trusted.RawData)
$stranger = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile($env:TEST_UNTRUSTED, 'pfx-password')
$trusted, $publicOnly, $stranger, $trusted | Invoke-StsTokenExchange @exchange -ErrorAction Continue | ForEach-Object ClientCertificateThumbprint
'@
        $result.Output | Should -Be @($script:certificate.Thumbprint, $script:certificate.Thumbprint)
        $result.Errors.Count | Should -Be 2
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'CertificateNoPrivateKey.Certificate,*'
        $result.Errors[1].FullyQualifiedErrorId | Should -BeLike 'StsOAuthError.invalid_grant,*'
        $result.Errors[0].TargetName | Should -Match $script:certificate.Thumbprint
    }

    It 'finds the key of a piped deserialized certificate, or an object with its Thumbprint, in the store, and refuses a -CertificateThumbprint that names another' {
        $result = Invoke-Case @'
$trusted = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile($env:TEST_PFX, 'pfx-password', 'Exportable')
$store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
$store.Open('ReadWrite')
$store.Add($trusted)
try {
    $deserialized = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($trusted))
    ($deserialized | Invoke-StsTokenExchange @exchange).ClientCertificateThumbprint
    ($trusted | Select-Object Thumbprint | Invoke-StsTokenExchange @exchange).ClientCertificateThumbprint
    $trusted | Invoke-StsTokenExchange @exchange -CertificateThumbprint ('AB' * 20)
} finally {
    $store.Remove($trusted)
    $store.Dispose()
}
'@
        $result.Output | Should -Be @($script:certificate.Thumbprint, $script:certificate.Thumbprint)
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidParameter.CertificateThumbprint,*'
        $result.Errors[0].Message | Should -BeLike '*names another certificate than the one piped in*'
    }

    It 'is refused by the provider for a certificate it does not trust' {
        $result = Invoke-Case 'Invoke-StsTokenExchange @exchange -PfxFile $env:TEST_UNTRUSTED -PfxPassword $password'
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'StsOAuthError.invalid_grant,*'
    }

    It 'reads an exported certificate configuration and presents the certificate it names' {
        $result = Invoke-Case @'
$export = Export-GoogleCredentialConfiguration -Audience $env:TEST_PROVIDER -CertificateFile $env:TEST_CERT -PrivateKeyFile $env:TEST_KEY `
    -TokenEndpoint $env:TEST_TOKEN_URL -ServiceAccount $env:TEST_ACCOUNT -IamCredentialsEndpoint $env:TEST_IAM -Path $env:TEST_FOLDER -NoEnvironmentVariable
(Get-GoogleExternalAccountToken -ConfigurationFile $export.Path -Force).Scope
$export | Remove-GoogleCredentialConfiguration
'@
        ($result.Errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Message)" }) -join "`n" | Should -BeNullOrEmpty
        $result.Output | Should -Be 'https://www.googleapis.com/auth/cloud-platform'
    }
}
