using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Voting.Console.Blazor.Access;
using Voting.TestSupport;

namespace Voting.Console.Blazor.Tests.Access;

/// <summary>
/// Who may open each page, pinned: a page whose role was widened (or dropped) by mistake fails here
/// even where no end-to-end test tries that role on that page.
/// </summary>
public sealed class PageAccessTests
{
    [Fact]
    public void Each_page_admits_exactly_the_roles_it_is_for()
    {
        var pages = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t))
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => (Route: r.Template, Access: AccessOf(t))))
            .OrderBy(p => p.Route, StringComparer.Ordinal)
            .ToList();

        Assert.Equal(
            [
                ("/", "signed in"),
                ("/account/denied", "anyone"),
                ("/account/login", "anyone"),
                ("/anchors", ConsoleRoles.Auditor),
                ("/dead-letters", ConsoleRoles.Operator),
                ("/pipeline", ConsoleRoles.Operator),
                ("/proof", "anyone"),
                ("/results", ConsoleRoles.Official),
                ("/shards", ConsoleRoles.Operator),
                ("/system", "signed in"),
            ],
            pages);
    }

    [Fact]
    public void The_router_checks_each_pages_access_on_every_navigation_inside_the_live_page()
    {
        // A plain RouteView would render any page a live circuit navigates to, whatever its [Authorize].
        var routes = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Voting.Console.Blazor", "Components", "Routes.razor"));

        Assert.Contains("<AuthorizeRouteView ", routes, StringComparison.Ordinal);
        Assert.DoesNotContain("<RouteView ", routes, StringComparison.Ordinal);
    }

    private static string AccessOf(Type page)
    {
        if (page.GetCustomAttribute<AllowAnonymousAttribute>() is not null)
        {
            return "anyone";
        }

        var authorize = page.GetCustomAttributes<AuthorizeAttribute>().ToList();
        return authorize switch
        {
            [] => "no rule",
            [{ Roles: null or "", Policy: null }] => "signed in",
            [{ Roles: { } roles, Policy: null }] => roles,
            _ => "several rules",
        };
    }
}
