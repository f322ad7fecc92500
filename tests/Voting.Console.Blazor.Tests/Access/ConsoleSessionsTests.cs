using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Time.Testing;
using Voting.Console.Blazor.Access;

namespace Voting.Console.Blazor.Tests.Access;

public sealed class ConsoleSessionsTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2028, 11, 7, 20, 0, 0, TimeSpan.Zero));

    private ConsoleSessions Sessions(int sessionMinutes = 60, int maxSessionHours = 12) =>
        new(Microsoft.Extensions.Options.Options.Create(new ConsoleAccessOptions { SessionMinutes = sessionMinutes, MaxSessionHours = maxSessionHours }), clock);

    private static ClaimsPrincipal SignedIn(string name, params string[] roles) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), .. roles.Select(r => new Claim(ClaimTypes.Role, r))],
            CookieAuthenticationDefaults.AuthenticationScheme));

    [Fact]
    public void A_sign_in_is_current_until_it_signs_out_and_keeps_its_name_and_roles()
    {
        var sessions = Sessions();
        var user = sessions.Begin(SignedIn("olivia", ConsoleRoles.Operator));

        Assert.True(sessions.IsCurrent(user));
        Assert.Equal("olivia", user.Identity!.Name);
        Assert.True(user.IsInRole(ConsoleRoles.Operator));
        Assert.True(user.Identity.IsAuthenticated);

        sessions.End(user);
        Assert.False(sessions.IsCurrent(user));
        Assert.Equal(0, sessions.Count);
    }

    [Fact]
    public void Signing_out_ends_that_sign_in_only_not_the_same_users_other_sign_ins()
    {
        var sessions = Sessions();
        var laptop = sessions.Begin(SignedIn("olivia", ConsoleRoles.Operator));
        var desk = sessions.Begin(SignedIn("olivia", ConsoleRoles.Operator));
        Assert.NotEqual(laptop.FindFirst(ConsoleSessions.SessionClaim)!.Value, desk.FindFirst(ConsoleSessions.SessionClaim)!.Value);

        sessions.End(laptop);

        Assert.False(sessions.IsCurrent(laptop));
        Assert.True(sessions.IsCurrent(desk));
    }

    [Fact]
    public void A_principal_without_a_session_begun_here_is_not_current()
    {
        var sessions = Sessions();
        var real = sessions.Begin(SignedIn("olivia", ConsoleRoles.Operator));

        Assert.False(sessions.IsCurrent(null));
        Assert.False(sessions.IsCurrent(new ClaimsPrincipal(new ClaimsIdentity())));
        Assert.False(sessions.IsCurrent(SignedIn("olivia", ConsoleRoles.Operator))); // a cookie from before a restart has no session here
        var forged = new ClaimsIdentity([new Claim(ClaimTypes.Name, "olivia"), new Claim(ConsoleSessions.SessionClaim, "00112233445566778899aabbccddeeff")], "Cookies");
        Assert.False(sessions.IsCurrent(new ClaimsPrincipal(forged)));
        var otherName = new ClaimsIdentity([new Claim(ClaimTypes.Name, "mallory"), real.FindFirst(ConsoleSessions.SessionClaim)!], "Cookies");
        Assert.False(sessions.IsCurrent(new ClaimsPrincipal(otherName))); // another user's session id is not this user's
        Assert.True(sessions.IsCurrent(real));
    }

    [Fact]
    public void A_sign_in_used_within_the_session_lifetime_lasts_and_one_left_unused_longer_is_forgotten()
    {
        var sessions = Sessions(sessionMinutes: 60);
        var used = sessions.Begin(SignedIn("olivia", ConsoleRoles.Operator));
        var left = sessions.Begin(SignedIn("arthur", ConsoleRoles.Auditor));

        for (var i = 0; i < 6; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(30));
            Assert.True(sessions.IsCurrent(used), $"after {30 * (i + 1)} minutes of use");
        }

        Assert.False(sessions.IsCurrent(left));
        Assert.Equal(1, sessions.Count);
    }

    [Fact]
    public void A_sign_in_is_current_as_long_as_its_cookie_can_be()
    {
        var sessions = Sessions(sessionMinutes: 60);
        var user = sessions.Begin(SignedIn("olivia", ConsoleRoles.Official));

        clock.Advance(TimeSpan.FromMinutes(60)); // the cookie's sliding lifetime, to the minute

        Assert.True(sessions.IsCurrent(user));
    }

    [Fact]
    public void A_sign_in_kept_in_use_ends_all_the_same_after_the_longest_session()
    {
        // A page left open is revalidated every 30 s, which is use: only the cap ends it.
        var sessions = Sessions(sessionMinutes: 60, maxSessionHours: 12);
        var user = sessions.Begin(SignedIn("olivia", ConsoleRoles.Operator));

        for (var minutes = 0; minutes < (12 * 60) - 1; minutes++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            Assert.True(sessions.IsCurrent(user), $"after {minutes + 1} minutes");
        }

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(sessions.IsCurrent(user));
        Assert.Equal(0, sessions.Count);
        Assert.True(sessions.IsCurrent(sessions.Begin(SignedIn("olivia", ConsoleRoles.Operator)))); // signing in again starts afresh
    }
}
