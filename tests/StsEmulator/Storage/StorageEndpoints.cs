using System.Text.Json;

namespace StsEmulator.Storage;

/// <summary>
/// Just enough of the Cloud Storage JSON API for the examples: list a project's buckets, read an object.
/// Callers need an unexpired access token this emulator issued, with a scope that can read storage; a
/// downscoped token reads only objects of buckets its credential access boundary names with a reading role,
/// and lists no buckets. Boundary conditions are not evaluated. Errors take Cloud Storage's JSON form.
/// </summary>
public static class StorageEndpoints
{
    private static readonly string[] ReadScopes =
    {
        "https://www.googleapis.com/auth/cloud-platform",
        "https://www.googleapis.com/auth/cloud-platform.read-only",
        "https://www.googleapis.com/auth/devstorage.read_only",
        "https://www.googleapis.com/auth/devstorage.read_write",
        "https://www.googleapis.com/auth/devstorage.full_control",
    };

    private static readonly string[] ObjectReadRoles =
    {
        "inRole:roles/storage.objectViewer",
        "inRole:roles/storage.objectUser",
        "inRole:roles/storage.objectAdmin",
        "inRole:roles/storage.admin",
        "inRole:roles/storage.legacyObjectReader",
        "inRole:roles/storage.legacyObjectOwner",
    };

    public static void Map(WebApplication app, EmulatorState state)
    {
        app.MapGet("/storage/v1/b", (HttpContext context, string? project) =>
        {
            var refusal = Authorize(context, state, "storage.buckets.list", "the Google Cloud project", out var issued);
            if (refusal != null)
            {
                return refusal;
            }

            if (string.IsNullOrEmpty(project))
            {
                return Error(400, "required", "Required parameter: project");
            }

            // A boundary names buckets; listing needs a project permission no boundary grants.
            if (issued!.Boundary != null || !StorageCatalogue.IsProject(project))
            {
                return Error(403, "forbidden", $"{Caller(issued)} does not have storage.buckets.list access to the Google Cloud project.");
            }

            return Results.Json(new
            {
                kind = "storage#buckets",
                items = StorageCatalogue.Buckets.Select(b => new
                {
                    kind = "storage#bucket",
                    id = b.Name,
                    name = b.Name,
                    projectNumber = StorageCatalogue.ProjectNumber,
                    location = b.Location,
                    storageClass = "STANDARD",
                }),
            });
        });

        app.MapGet("/storage/v1/b/{bucket}/o/{**name}", (HttpContext context, string bucket, string name, string? alt) =>
        {
            // Kestrel decodes the path except %2F, which object names such as 2026%2Fsummary.csv carry.
            name = name.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
            var refusal = Authorize(context, state, "storage.objects.get", $"bucket {bucket}", out var issued);
            if (refusal != null)
            {
                return refusal;
            }

            if (issued!.Boundary != null && !BoundaryAllows(issued.Boundary, bucket))
            {
                return Error(403, "forbidden", $"{Caller(issued)} does not have storage.objects.get access to the Google Cloud Storage object. Permission 'storage.objects.get' denied on resource (or it may not exist).");
            }

            var found = StorageCatalogue.FindBucket(bucket);
            if (found == null)
            {
                return Error(404, "notFound", "The specified bucket does not exist.");
            }

            if (!found.Objects.TryGetValue(name, out var stored))
            {
                return Error(404, "notFound", $"No such object: {bucket}/{name}");
            }

            if (alt == "media")
            {
                return Results.Text(stored.Content, stored.ContentType);
            }

            return Results.Json(new
            {
                kind = "storage#object",
                bucket,
                name,
                contentType = stored.ContentType,
                size = System.Text.Encoding.UTF8.GetByteCount(stored.Content).ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        });
    }

    private static IResult? Authorize(HttpContext context, EmulatorState state, string permission, string resource, out EmulatorState.IssuedToken? issued)
    {
        issued = null;
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"https://accounts.google.com/\"";
            return Error(401, "required", $"Anonymous caller does not have {permission} access to {resource}.");
        }

        issued = state.FindIssued(authorization["Bearer ".Length..].Trim());
        if (issued == null || issued.ExpiresOn <= state.Clock())
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"";
            return Error(401, "authError", "Invalid Credentials");
        }

        if (!issued.Scope.Split(' ').Any(ReadScopes.Contains))
        {
            return Error(403, "insufficientPermissions", "Provided scope(s) are not authorized");
        }

        return null;
    }

    private static bool BoundaryAllows(string boundary, string bucket)
    {
        using var document = JsonDocument.Parse(boundary);
        var resource = "//storage.googleapis.com/projects/_/buckets/" + bucket;
        return document.RootElement.GetProperty("accessBoundaryRules").EnumerateArray().Any(rule =>
            rule.GetProperty("availableResource").GetString() == resource
            && rule.GetProperty("availablePermissions").EnumerateArray().Any(p => ObjectReadRoles.Contains(p.GetString())));
    }

    private static string Caller(EmulatorState.IssuedToken issued) =>
        issued.Subject.StartsWith("sa:", StringComparison.Ordinal) ? issued.Subject["sa:".Length..] : "The caller";

    private static IResult Error(int code, string reason, string message) =>
        Results.Json(new { error = new { code, message, errors = new[] { new { message, domain = "global", reason } } } }, statusCode: code);
}
