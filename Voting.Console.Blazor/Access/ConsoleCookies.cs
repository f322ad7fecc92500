using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Voting.Console.Blazor.Access;

/// <summary>
/// The console's cookies: the session (HttpOnly, SameSite=Strict, sliding) and the antiforgery token.
/// Both are marked Secure unless <see cref="ConsoleAccessOptions.SecureCookiesOnly"/> is off: behind a
/// proxy that ends TLS the console itself is reached over plain HTTP, and a cookie that follows the
/// request's scheme would go out without the flag.
/// </summary>
public static class ConsoleCookies
{
    public const string SessionCookieName = "voting-console";

    public static void ConfigureSession(CookieAuthenticationOptions cookie, ConsoleAccessOptions access)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        ArgumentNullException.ThrowIfNull(access);
        cookie.LoginPath = AccountEndpoints.LoginPath;
        cookie.AccessDeniedPath = AccountEndpoints.DeniedPath;
        cookie.Cookie.Name = SessionCookieName;
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Strict;
        cookie.Cookie.SecurePolicy = Policy(access);
        cookie.ExpireTimeSpan = TimeSpan.FromMinutes(access.SessionMinutes);
        cookie.SlidingExpiration = true;
        cookie.EventsType = typeof(ConsoleSessionCookieEvents);
    }

    public static void ConfigureAntiforgery(AntiforgeryOptions antiforgery, ConsoleAccessOptions access)
    {
        ArgumentNullException.ThrowIfNull(antiforgery);
        ArgumentNullException.ThrowIfNull(access);
        antiforgery.Cookie.SecurePolicy = Policy(access);
    }

    private static CookieSecurePolicy Policy(ConsoleAccessOptions access) =>
        access.SecureCookiesOnly ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
}
