using System.Globalization;

namespace Voting.Console.Blazor.Components.Shared;

/// <summary>How numbers read on screen, the same on every page whatever the server's culture.</summary>
public static class Display
{
    /// <summary>A share as "61.7%" (the invariant culture would write "61.7 %").</summary>
    public static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
