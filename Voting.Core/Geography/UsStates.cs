using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Voting.Core.Geography;

/// <summary>The 51 jurisdictions that cast electoral votes, with 2020 census populations.</summary>
public static class UsStates
{
    public static IReadOnlyList<UsState> All { get; } =
    [
        new("AL", "Alabama", 5_024_279), new("AK", "Alaska", 733_391), new("AZ", "Arizona", 7_151_502),
        new("AR", "Arkansas", 3_011_524), new("CA", "California", 39_538_223), new("CO", "Colorado", 5_773_714),
        new("CT", "Connecticut", 3_605_944), new("DE", "Delaware", 989_948), new("DC", "District of Columbia", 689_545),
        new("FL", "Florida", 21_538_187), new("GA", "Georgia", 10_711_908), new("HI", "Hawaii", 1_455_271),
        new("ID", "Idaho", 1_839_106), new("IL", "Illinois", 12_812_508), new("IN", "Indiana", 6_785_528),
        new("IA", "Iowa", 3_190_369), new("KS", "Kansas", 2_937_880), new("KY", "Kentucky", 4_505_836),
        new("LA", "Louisiana", 4_657_757), new("ME", "Maine", 1_362_359), new("MD", "Maryland", 6_177_224),
        new("MA", "Massachusetts", 7_029_917), new("MI", "Michigan", 10_077_331), new("MN", "Minnesota", 5_706_494),
        new("MS", "Mississippi", 2_961_279), new("MO", "Missouri", 6_154_913), new("MT", "Montana", 1_084_225),
        new("NE", "Nebraska", 1_961_504), new("NV", "Nevada", 3_104_614), new("NH", "New Hampshire", 1_377_529),
        new("NJ", "New Jersey", 9_288_994), new("NM", "New Mexico", 2_117_522), new("NY", "New York", 20_201_249),
        new("NC", "North Carolina", 10_439_388), new("ND", "North Dakota", 779_094), new("OH", "Ohio", 11_799_448),
        new("OK", "Oklahoma", 3_959_353), new("OR", "Oregon", 4_237_256), new("PA", "Pennsylvania", 13_002_700),
        new("RI", "Rhode Island", 1_097_379), new("SC", "South Carolina", 5_118_425), new("SD", "South Dakota", 886_667),
        new("TN", "Tennessee", 6_910_840), new("TX", "Texas", 29_145_505), new("UT", "Utah", 3_271_616),
        new("VT", "Vermont", 643_077), new("VA", "Virginia", 8_631_393), new("WA", "Washington", 7_705_281),
        new("WV", "West Virginia", 1_793_716), new("WI", "Wisconsin", 5_893_718), new("WY", "Wyoming", 576_851),
    ];

    private static readonly FrozenDictionary<string, UsState> ByCode =
        All.ToFrozenDictionary(s => s.Code, StringComparer.OrdinalIgnoreCase);

    /// <summary>Finds a state by its two-letter code, ignoring case.</summary>
    public static bool TryGet(string? code, [NotNullWhen(true)] out UsState? state)
    {
        state = null;
        return code is not null && ByCode.TryGetValue(code, out state);
    }

    /// <summary>The state with this code; throws <see cref="ArgumentException"/> for an unknown code.</summary>
    public static UsState Get(string code) =>
        TryGet(code, out var state) ? state : throw new ArgumentException($"'{code}' is not a US state or DC code.", nameof(code));
}
