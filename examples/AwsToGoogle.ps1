#Requires -Modules StsPowerShell
<#
.SYNOPSIS
    From an AWS workload (EC2, ECS, Lambda, or AWS keys in the environment or a profile) to a Google API call.
.EXAMPLE
    ./AwsToGoogle.ps1 -Provider //iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/aws/providers/aws -Project my-project
#>
param(
    [Parameter(Mandatory)] [string] $Provider,
    [Parameter(Mandatory)] [string] $Project,
    [string] $ProfileName
)

$subject = if ($ProfileName) { New-AwsCallerIdentityToken -Audience $Provider -ProfileName $ProfileName } else { New-AwsCallerIdentityToken -Audience $Provider }
$subject | Test-StsSubjectToken | Where-Object Passed -EQ $false | Format-Table   # anything Google would refuse, before asking it
$token = $subject | Invoke-StsTokenExchange -Scope cloud-platform
Invoke-RestMethod "https://storage.googleapis.com/storage/v1/b?project=$Project" -Authentication Bearer -Token $token.AccessToken |
    Select-Object -ExpandProperty items | Select-Object name, location
