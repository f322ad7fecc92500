using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Voting.ServiceDefaults;

/// <summary>
/// Traces name a request's path by its route template, never by the path as sent: a path can hold
/// a voter id (<c>GET /api/v1/votes/{voterId}</c>), and traces leave the service for whatever
/// collector the OTLP endpoint names, where they are kept.
/// </summary>
public static class TracedPath
{
    /// <summary>The path traced for a request no route matched (its path is anything a client sent).</summary>
    public const string Unmatched = "(no route)";

    /// <summary>The semantic-convention tag ASP.NET Core's instrumentation records the path under.</summary>
    public const string Tag = "url.path";

    /// <summary>Replaces the request's path on <paramref name="activity"/> by the template of the route that served it.</summary>
    public static void Redact(Activity activity, HttpContext context)
    {
        var template = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        activity.SetTag(Tag, template is null ? Unmatched : "/" + template.TrimStart('/'));
    }
}
