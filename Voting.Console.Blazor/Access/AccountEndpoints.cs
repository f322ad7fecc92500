using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace Voting.Console.Blazor.Access;

/// <summary>
/// Sign-in and sign-out as plain form posts (cookies can't be set over the interactive circuit).
/// Both check the antiforgery token their forms carry (sign-in because it binds its form, sign-out
/// itself, as it binds none): another site can't sign an operator out behind their back.
/// </summary>
public static partial class AccountEndpoints
{
    public const string LoginPath = "/account/login";
    public const string LogoutPath = "/account/logout";
    public const string DeniedPath = "/account/denied";

    /// <summary>The sign-in page's <c>throttled</c> value when the client's address must wait.</summary>
    public const string ThrottledAddress = "address";

    /// <summary>The sign-in page's <c>throttled</c> value when the account name must wait for new addresses.</summary>
    public const string ThrottledAccount = "account";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(LoginPath, SignInAsync);
        endpoints.MapPost(LogoutPath, new Func<HttpContext, ConsoleSessions, IAntiforgery, Task<IResult>>(SignOutAsync));
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(
        HttpContext context, [FromForm] string? name, [FromForm] string? password, [FromForm] string? returnUrl,
        ConsoleUserDirectory users, ConsoleSessions sessions, SignInThrottle throttle, ILoggerFactory loggers)
    {
        var target = SafeReturnUrl(returnUrl);
        var logger = loggers.CreateLogger(typeof(AccountEndpoints));
        var client = SignInThrottle.ClientKey(context.Connection.RemoteIpAddress);
        // One check at a time per client: attempts sent in parallel would otherwise all pass the limit
        // before the first refusal is counted.
        using var turn = await throttle.TakeTurnAsync(client);
        if (turn is null || !throttle.MayTry(client))
        {
            LogThrottled(logger, Logged(name), client);
            return Results.Redirect($"{LoginPath}?throttled={ThrottledAddress}&returnUrl={Uri.EscapeDataString(target)}");
        }

        // The same for names that exist and names that don't: the answer tells nobody which names are accounts.
        if (!await throttle.MayTryAccountAsync(name, client))
        {
            // Not counted against the address (a user retrying from a shared address would lock out its
            // colleagues), and logged sampled: held back without a password check, they are cheap to send.
            if (HeldBackLog.ShouldLog())
            {
                LogAccountThrottled(logger, Logged(name), client);
            }

            return Results.Redirect($"{LoginPath}?throttled={ThrottledAccount}&returnUrl={Uri.EscapeDataString(target)}");
        }

        var principal = users.SignIn(name, password);
        if (principal is null)
        {
            throttle.Refused(client);
            LogRefused(logger, Logged(name), client);
            return Results.Redirect($"{LoginPath}?failed=1&returnUrl={Uri.EscapeDataString(target)}");
        }

        _ = throttle.SignedInAsync(principal.Identity!.Name!, client); // its write to Redis is not waited for, and never fails
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, sessions.Begin(principal));
        LogSignedIn(logger, principal.Identity!.Name!, client);
        return Results.LocalRedirect(target);
    }

    /// <summary>Ends the session everywhere (<see cref="ConsoleSessions"/>), not only this browser's cookie.</summary>
    private static async Task<IResult> SignOutAsync(HttpContext context, ConsoleSessions sessions, IAntiforgery antiforgery)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            // Already ended (elsewhere, or expired): nothing to end, and the form's token, made for the
            // signed-in user, would not check against nobody.
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect(LoginPath);
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Sign out from the console's own page.",
                detail: "The request carried no valid antiforgery token, so it may have come from another site; nobody was signed out.");
        }

        sessions.End(context.User);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.LocalRedirect(LoginPath);
    }

    /// <summary>A name as typed, cut to a name's length for the log (a form field can be megabytes).</summary>
    private static string Logged(string? name) =>
        name is null ? "" : name.Length <= LoggedNameLength ? name : name[..LoggedNameLength] + "…";

    private const int LoggedNameLength = 64;

    /// <summary>Attempts the account's limit held back: the first logged, then at most one a second.</summary>
    private static readonly LogSampler HeldBackLog = new(TimeSpan.FromSeconds(1));

    /// <summary>Only a local path: never an open redirect to another site.</summary>
    internal static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) && !returnUrl.StartsWith(LoginPath, StringComparison.OrdinalIgnoreCase)
            ? returnUrl
            : "/";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sign-in refused for '{Name}' from {Client}")]
    private static partial void LogRefused(ILogger logger, string name, string client);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sign-in of '{Name}' not checked: too many refused sign-ins from {Client}")]
    private static partial void LogThrottled(ILogger logger, string name, string client);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console sign-in of '{Name}' from {Client} not checked: too many sign-ins to that name from addresses it has not signed in from (logged at most once a second)")]
    private static partial void LogAccountThrottled(ILogger logger, string name, string client);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console sign-in: {Name} from {Client}")]
    private static partial void LogSignedIn(ILogger logger, string name, string client);
}
