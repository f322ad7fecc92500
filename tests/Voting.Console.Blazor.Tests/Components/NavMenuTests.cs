using Bunit;
using Voting.Console.Blazor.Access;
using Voting.Console.Blazor.Components.Layout;

namespace Voting.Console.Blazor.Tests.Components;

public sealed class NavMenuTests : ComponentTest
{
    private string[] LinksFor(params string[] roles)
    {
        var authorization = Context.AddAuthorization();
        if (roles.Length > 0)
        {
            authorization.SetAuthorized("someone");
            authorization.SetRoles(roles);
        }

        return [.. Context.Render<NavMenu>().FindAll("a").Select(a => a.GetAttribute("href") ?? "")];
    }

    [Fact]
    public void An_operator_sees_the_pipeline_dead_letters_and_shards_only() =>
        Assert.Equal(["/", "/pipeline", "/dead-letters", "/shards", "/proof"], LinksFor(ConsoleRoles.Operator));

    [Fact]
    public void An_official_sees_results() => Assert.Equal(["/", "/results", "/proof"], LinksFor(ConsoleRoles.Official));

    [Fact]
    public void An_auditor_sees_anchors() => Assert.Equal(["/", "/anchors", "/proof"], LinksFor(ConsoleRoles.Auditor));

    [Fact]
    public void Someone_not_signed_in_sees_only_the_proof_viewer() => Assert.Equal(["/proof"], LinksFor());
}
