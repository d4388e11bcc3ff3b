using Microsoft.Extensions.DependencyInjection;
using Ranvier.Server.Configuration;
using Ranvier.Storage.Accounts;

namespace Ranvier.Server.Tests.Infrastructure;

internal static class ServiceProviderExtensions
{
    public static RanvierOptions GetOptions(this IServiceProvider services) => services.GetRequiredService<RanvierOptions>();

    public static IAccountStore GetAccountStore(this IServiceProvider services) => services.GetRequiredService<IAccountStore>();
}
