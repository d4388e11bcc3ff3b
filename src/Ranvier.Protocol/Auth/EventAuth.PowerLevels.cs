using System.Text.Json.Nodes;
using Ranvier.Protocol.Identifiers;

namespace Ranvier.Protocol.Auth;

public static partial class EventAuth
{
    // 10. (9. from v6, 10. in v12) If type is m.room.power_levels. Sub-numbers below are the v10–v11 ones
    // (9.x); the result carries the number for the actual version.
    private static AuthResult CheckPowerLevels(RuleContext context)
    {
        var (ev, rules, version) = (context.Event, context.Rules, context.Version);
        var content = ev.Content;

        if (version.IntegerPowerLevels)
        {
            // 9.1 (v10+) If users_default, events_default, state_default, ban, redact, kick or invite is present
            // and not an integer, reject.
            foreach (var key in PowerLevels.NamedLevelKeys)
            {
                if (content.TryGetPropertyValue(key, out var node) && !PowerLevelValue.TryRead(node, version, out _))
                {
                    return AuthResult.Reject(rules.PowerLevelsNamedIntegers, $"'{key}' is not an integer");
                }
            }

            // 9.2 (v10+) If events or notifications is present and not an object of integers, reject.
            foreach (var key in (ReadOnlySpan<string>)["events", "notifications"])
            {
                if (content.TryGetPropertyValue(key, out var node) && !IsIntegerMap(node, context, validateUserIds: false))
                {
                    return AuthResult.Reject(rules.PowerLevelsMapIntegers, $"'{key}' is not an object of integers");
                }
            }
        }

        // 9.3 (10.1 before v6, 9.1 in v6–v9) If users is not an object of valid user IDs to integers (before v10
        // also integer strings), reject. An absent users is the empty object.
        if (content.TryGetPropertyValue("users", out var users) && !IsIntegerMap(users, context, validateUserIds: true))
        {
            return AuthResult.Reject(rules.PowerLevelsUsers, "'users' is not an object of user IDs to integers");
        }

        // 10.4 (v12) If users contains a room creator, reject.
        var creators = context.Levels.Creators;
        if (creators.HaveInfinitePower && users is JsonObject userMap && userMap.Any(entry => creators.Contains(entry.Key)))
        {
            return AuthResult.Reject(rules.PowerLevelsCreators, "room creators cannot be listed in users");
        }

        // 9.4 If there is no previous m.room.power_levels event in the room, allow.
        if (!context.Levels.FromEvent)
        {
            return AuthResult.Allow(rules.PowerLevelsNoPrevious, "the room's first power levels");
        }

        // Before v10 the other values were not validated above; one that cannot be read cannot be compared.
        if (PowerLevels.TryParse(version, content, creators, out var error) is not { } proposed)
        {
            return AuthResult.Reject(rules.PowerLevelsNamed, "the new power levels are unreadable: " + error);
        }

        return CheckPowerLevelChanges(context, context.Levels, proposed);
    }

    // 9.5–9.10: compare the current event's values with the new ones, key by key, against the sender's current level.
    private static AuthResult CheckPowerLevelChanges(RuleContext context, PowerLevels current, PowerLevels proposed)
    {
        var rules = context.Rules;
        var sender = context.Event.Sender;
        var senderLevel = current.UserLevel(sender);

        // 9.5 For users_default, events_default, state_default, ban, redact, kick, invite that were added, changed
        // or removed: 9.5.1 if the current value is above the sender's level, reject; 9.5.2 if the new value is.
        foreach (var key in PowerLevels.NamedLevelKeys)
        {
            var (old, @new) = (current.ExplicitLevel(key), proposed.ExplicitLevel(key));
            if (old == @new)
            {
                continue;
            }

            if (old > senderLevel)
            {
                return AuthResult.Reject(rules.PowerLevelsNamed + ".1", $"'{key}' is currently above the sender's level");
            }

            if (@new > senderLevel)
            {
                return AuthResult.Reject(rules.PowerLevelsNamed + ".2", $"'{key}' would be above the sender's level");
            }
        }

        // 9.6/9.7 The same for entries of events and (v6+) notifications.
        var maps = context.Version.LimitNotificationsPowerLevels
            ? new[] { ("events", current.Events, proposed.Events), ("notifications", current.Notifications, proposed.Notifications) }
            : [("events", current.Events, proposed.Events)];
        foreach (var (name, oldMap, newMap) in maps)
        {
            foreach (var key in oldMap.Keys.Union(newMap.Keys, StringComparer.Ordinal))
            {
                var old = oldMap.TryGetValue(key, out var o) ? o : (long?)null;
                var @new = newMap.TryGetValue(key, out var n) ? n : (long?)null;
                if (old == @new)
                {
                    continue;
                }

                // 9.6 For each entry being changed in, or removed from, events or notifications: if the current value
                // is greater than the sender's level, reject.
                if (old > senderLevel)
                {
                    return AuthResult.Reject(rules.PowerLevelsEventsOld + ".1", $"{name}['{key}'] is currently above the sender's level");
                }

                // 9.7 For each entry being added to, or changed in, events or notifications: if the new value is
                // greater than the sender's level, reject.
                if (@new > senderLevel)
                {
                    return AuthResult.Reject(rules.PowerLevelsEventsNew + ".1", $"{name}['{key}'] would be above the sender's level");
                }
            }
        }

        foreach (var user in current.Users.Keys.Union(proposed.Users.Keys, StringComparer.Ordinal))
        {
            var old = current.Users.TryGetValue(user, out var o) ? o : (long?)null;
            var @new = proposed.Users.TryGetValue(user, out var n) ? n : (long?)null;
            if (old == @new)
            {
                continue;
            }

            // 9.8 For each entry being changed in, or removed from, users, other than the sender's own: if the
            // current value is greater than or equal to the sender's level, reject.
            if (user != sender && old >= senderLevel)
            {
                return AuthResult.Reject(rules.PowerLevelsUsersOld + ".1", $"{user} is not below the sender's level");
            }

            // 9.9 For each entry being added to, or changed in, users: if the new value is greater than the
            // sender's level, reject.
            if (@new > senderLevel)
            {
                return AuthResult.Reject(rules.PowerLevelsUsersNew + ".1", $"{user} would be above the sender's level");
            }
        }

        // 9.10 Otherwise, allow.
        return AuthResult.Allow(rules.PowerLevelsOtherwise, "every change is within the sender's power");
    }

    // An object whose values are power-level integers as the version reads them (users: keys must be user IDs).
    private static bool IsIntegerMap(JsonNode? node, RuleContext context, bool validateUserIds)
    {
        if (node is not JsonObject map)
        {
            return false;
        }

        foreach (var (key, value) in map)
        {
            if ((validateUserIds && !UserId.TryParse(key, out _)) || !PowerLevelValue.TryRead(value, context.Version, out _))
            {
                return false;
            }
        }

        return true;
    }
}
