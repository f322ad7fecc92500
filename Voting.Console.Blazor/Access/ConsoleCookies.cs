using Microsoft.AspNetCore.Authentication.Cookies;

namespace Voting.Console.Blazor.Access;

/// <summary>
/// The console's cookies: the session (HttpOnly, SameSite=Strict, sliding) and the antiforgery token.
/// The session cookie is marked Secure unless <see cref="ConsoleAccessOptions.SecureCookiesOnly"/> is
/// off: behind a proxy that ends TLS the console itself is reached over plain HTTP, and a cookie that
/// follows the request's scheme would go out without the flag. The antiforgery cookie follows the
/// request: ASP.NET Core refuses to issue or check a token whose cookie must be Secure on a request
/// that is not HTTPS itself, which behind such a proxy is every request (it holds no session, and is
/// useless without the session cookie).
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

    private static CookieSecurePolicy Policy(ConsoleAccessOptions access) =>
        access.SecureCookiesOnly ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
}
