namespace Voting.Console.Blazor.Live;

public static class LiveRegistration
{
    /// <summary>A board for <typeparamref name="T"/> fed by <typeparamref name="TSource"/> in the background.</summary>
    public static IServiceCollection AddLiveBoard<T, TSource>(this IServiceCollection services)
        where T : class
        where TSource : class, IBoardSource<T>
    {
        services.AddSingleton<TSource>();
        services.AddSingleton<IBoardSource<T>>(sp => sp.GetRequiredService<TSource>());
        services.AddSingleton<LiveBoard<T>>();
        services.AddHostedService<BoardPoller<T>>();
        return services;
    }
}
