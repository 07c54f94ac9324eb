#Requires -Version 7.0
#Requires -Modules StsPowerShell

<#
.SYNOPSIS
    From an AWS workload (EC2, ECS, Lambda, or AWS keys in the environment or a profile) to a Google API call:
    lists a project's Cloud Storage buckets. PowerShell 7.
.PARAMETER Provider
    The workload identity pool provider's full resource name (an AWS provider).
.PARAMETER Project
    The Google Cloud project whose buckets are listed.
.PARAMETER ProfileName
    An AWS profile to sign with; without it the AWS credentials are found as the AWS tools find them.
.PARAMETER TokenEndpoint
    Google's STS token endpoint, or a local emulator's.
.PARAMETER StorageEndpoint
    The Cloud Storage JSON API's base URL, or a local emulator's.
.EXAMPLE
    ./AwsToGoogle.ps1 -Provider //iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/aws/providers/aws -Project my-project
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Provider,
    [Parameter(Mandatory)] [string] $Project,
    [string] $ProfileName,
    [string] $TokenEndpoint = 'https://sts.googleapis.com/v1/token',
    [string] $StorageEndpoint = 'https://storage.googleapis.com'
)

$subject = if ($ProfileName) { New-AwsCallerIdentityToken -Audience $Provider -ProfileName $ProfileName } else { New-AwsCallerIdentityToken -Audience $Provider }
# Anything Google would refuse, said before asking it.
$subject | Test-StsSubjectToken | Where-Object Passed -EQ $false | ForEach-Object { Write-Warning "$_" }
$token = $subject | Invoke-StsTokenExchange -TokenEndpoint $TokenEndpoint -Scope cloud-platform

# Invoke-RestMethod sends a token over plain http only when allowed to: allow it for a local emulator alone.
$storage = [uri]$StorageEndpoint
$localHttp = $storage.Scheme -eq 'http' -and $storage.IsLoopback
Invoke-RestMethod "$StorageEndpoint/storage/v1/b?project=$Project" -Authentication Bearer -Token $token.AccessToken -AllowUnencryptedAuthentication:$localHttp |
    Select-Object -ExpandProperty items | Select-Object name, location
