@{
    RootModule             = 'StsPowerShell.dll'
    ModuleVersion          = '0.1.0'
    GUID                   = '720e61f5-62e1-4653-a82d-e99dbcefce0e'
    Author                 = 'StsPowerShell contributors'
    CompanyName            = 'StsPowerShell contributors'
    Copyright              = '(c) StsPowerShell contributors. Licensed under the MIT License.'
    Description            = 'OAuth 2.0 Token Exchange (RFC 8693) for PowerShell: turn the credentials a workload already has into the token it needs, first of all through Google''s Security Token Service for workload and workforce identity federation.'
    PowerShellVersion      = '5.1'
    CompatiblePSEditions   = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('StsPowerShell.format.ps1xml')
    CmdletsToExport        = @(
        'ConvertTo-GoogleExecutableResponse', 'Export-GoogleAccessToken', 'Export-GoogleCredentialConfiguration',
        'Get-AzureManagedIdentityToken', 'Get-AzurePipelinesIdToken', 'Get-GitHubActionsIdToken', 'Get-GoogleExternalAccountToken', 'Invoke-StsTokenExchange', 'New-AwsCallerIdentityToken',
        'New-GoogleAccessBoundaryRule', 'New-GoogleDownscopedAccessToken', 'New-GoogleServiceAccountAccessToken', 'New-GoogleServiceAccountIdToken', 'Remove-GoogleCredentialConfiguration',
        'Test-StsSubjectToken'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    FileList               = @(
        'StsPowerShell.psd1', 'StsPowerShell.dll', 'StsPowerShell.Core.dll', 'StsPowerShell.format.ps1xml',
        'en-US/StsPowerShell.dll-Help.xml', 'en-US/about_StsPowerShell.help.txt',
        'dependencies/Microsoft.Bcl.AsyncInterfaces.dll', 'dependencies/System.Buffers.dll', 'dependencies/System.Memory.dll',
        'dependencies/System.Numerics.Vectors.dll', 'dependencies/System.Runtime.CompilerServices.Unsafe.dll',
        'dependencies/System.Text.Encodings.Web.dll', 'dependencies/System.Text.Json.dll', 'dependencies/System.Threading.Tasks.Extensions.dll'
    )
    PrivateData            = @{
        PSData = @{
            Tags         = @('OAuth', 'TokenExchange', 'RFC8693', 'STS', 'Google', 'WorkloadIdentityFederation', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://github.com/StsPowerShell/StsPowerShell/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/StsPowerShell/StsPowerShell'
            ReleaseNotes = 'First release: Invoke-StsTokenExchange (RFC 8693), New-AwsCallerIdentityToken (AWS to Google), Get-AzurePipelinesIdToken and Get-GitHubActionsIdToken (CI OIDC tokens), New-GoogleServiceAccountAccessToken and New-GoogleServiceAccountIdToken (impersonation), Get-GoogleExternalAccountToken (external_account files, session reuse), New-GoogleAccessBoundaryRule and New-GoogleDownscopedAccessToken (downscoping), Test-StsSubjectToken (diagnosis).'
        }
    }
}
