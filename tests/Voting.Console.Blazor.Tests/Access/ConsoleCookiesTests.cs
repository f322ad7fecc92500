using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Voting.Console.Blazor.Access;

namespace Voting.Console.Blazor.Tests.Access;

/// <summary>The session cookie: Secure unless the deployment says it serves plain HTTP itself.</summary>
public sealed class ConsoleCookiesTests
{
    [Fact]
    public void By_default_the_session_cookie_is_Secure_even_when_a_proxy_ended_TLS_before_the_console()
    {
        var access = new ConsoleAccessOptions();
        var session = new CookieAuthenticationOptions();

        ConsoleCookies.ConfigureSession(session, access);

        Assert.True(access.SecureCookiesOnly);
        Assert.Equal(CookieSecurePolicy.Always, session.Cookie.SecurePolicy);
        Assert.True(session.Cookie.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, session.Cookie.SameSite);
    }

    [Fact]
    public void Switched_off_it_follows_the_request_as_the_local_stack_needs()
    {
        var session = new CookieAuthenticationOptions();

        ConsoleCookies.ConfigureSession(session, new ConsoleAccessOptions { SecureCookiesOnly = false });

        Assert.Equal(CookieSecurePolicy.SameAsRequest, session.Cookie.SecurePolicy);
    }

    [Fact]
    public void Only_the_local_profile_switches_it_off()
    {
        var production = File.ReadAllText(Path.Combine(Voting.TestSupport.RepositoryRoot.Path, "deploy", "config", "voting.json"));
        var local = File.ReadAllText(Path.Combine(Voting.TestSupport.RepositoryRoot.Path, "deploy", "config", "voting.Local.json"));

        Assert.DoesNotContain("SecureCookiesOnly", production, StringComparison.Ordinal);
        Assert.Contains("\"SecureCookiesOnly\": false", local, StringComparison.Ordinal);
    }
}
