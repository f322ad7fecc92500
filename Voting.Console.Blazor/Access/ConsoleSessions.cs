using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Voting.Console.Blazor.Access;

/// <summary>
/// The console's sign-ins that are still current, in this process. A sign-in gets a random session
/// id (a claim in its cookie); signing out ends that session, so its cookie — in another tab, or
/// copied — is refused at its next request, and an open page's circuit loses its rights at its next
/// revalidation (<see cref="ConsoleSessionRevalidation"/>). A session unused for longer than the
/// cookie lasts is forgotten (an open page's revalidation counts as use: a live page is in use), and
/// none outlives <see cref="ConsoleAccessOptions.MaxSessionHours"/>, so a page left open does not keep
/// its rights for ever; restarting the console ends every session.
/// </summary>
public sealed class ConsoleSessions(IOptions<ConsoleAccessOptions> options, TimeProvider clock)
{
    /// <summary>The claim holding a sign-in's session id.</summary>
    public const string SessionClaim = "voting-console-session";

    private readonly ConcurrentDictionary<string, Session> sessions = new(StringComparer.Ordinal);

    // Past the cookie's own lifetime, with a margin: a cookie still valid always finds its session.
    private TimeSpan IdleLimit => TimeSpan.FromMinutes(options.Value.SessionMinutes + 1);

    /// <summary>Sessions current now (signed in, not signed out, used within the session lifetime).</summary>
    public int Count
    {
        get
        {
            Forget();
            return sessions.Count;
        }
    }

    /// <summary>Starts a session for a principal just signed in; returns it with its session claim.</summary>
    public ClaimsPrincipal Begin(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var name = user.Identity?.Name ?? throw new ArgumentException("A signed-in principal has a name.", nameof(user));
        Forget();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = clock.GetUtcNow();
        sessions[id] = new Session(name, now) { LastSeen = now };
        var identity = new ClaimsIdentity(user.Identity);
        identity.AddClaim(new Claim(SessionClaim, id));
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Ends the principal's session (sign-out); nothing if it has none.</summary>
    public void End(ClaimsPrincipal user)
    {
        if (SessionId(user) is { } id)
        {
            sessions.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Whether the principal's session is still current: begun here, by this user, not ended, used
    /// within the session lifetime and begun less than <see cref="ConsoleAccessOptions.MaxSessionHours"/>
    /// ago. Counts as use.
    /// </summary>
    public bool IsCurrent(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true || SessionId(user) is not { } id || !sessions.TryGetValue(id, out var session))
        {
            return false;
        }

        var now = clock.GetUtcNow();
        if (Expired(session, now))
        {
            sessions.TryRemove(id, out _);
            return false;
        }

        if (!string.Equals(session.Name, user.Identity.Name, StringComparison.Ordinal))
        {
            return false;
        }

        session.LastSeen = now;
        return true;
    }

    private static string? SessionId(ClaimsPrincipal? user) => user?.FindFirst(SessionClaim)?.Value;

    private void Forget()
    {
        var now = clock.GetUtcNow();
        foreach (var (id, session) in sessions)
        {
            if (Expired(session, now))
            {
                sessions.TryRemove(id, out _);
            }
        }
    }

    private bool Expired(Session session, DateTimeOffset now) =>
        now - session.LastSeen > IdleLimit || now - session.StartedAt >= TimeSpan.FromHours(options.Value.MaxSessionHours);

    private sealed class Session(string name, DateTimeOffset startedAt)
    {
        public string Name { get; } = name;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public DateTimeOffset LastSeen { get; set; }
    }
}
