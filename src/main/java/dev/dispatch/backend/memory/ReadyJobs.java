package dev.dispatch.backend.memory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Predicate;

import dev.dispatch.queue.job.Lane;

/**
 * The ready jobs of one {@link MemoryQueueStore}, in the order takes get them
 * ({@link Lane}): the highest priority that has jobs first; within a priority, the groups
 * that have jobs take turns; within a group, first in, first out.
 *
 * <p>
 * Turns go in rounds, per priority. A group that gets jobs joins the current round, at
 * its end; a group served in a round that still has jobs, or gets new ones before the
 * round ends, waits for the next round. So a group with a burst of jobs is served once a
 * round, and a group that shows up while it is being served goes before its next job. A
 * round ends when every group in it was served once; groups without jobs are forgotten,
 * so the memory is that of the groups with ready jobs (and of those served in the current
 * round). While every ready job is in the default lane there are no turns to take, and
 * none are kept: when a job of another lane comes, the default group (if it has jobs)
 * starts the round. (The Redis backend keeps nothing for the default lane's jobs on its
 * fast path; this is the same rule.)
 *
 * <p>
 * Under a limit on leases per group, a take passes over a group that holds as many as the
 * limit allows: the group keeps its place in the round, and is served in its turn once
 * one of its leases ends. If every group of this round is held so, the take serves the
 * first one of the next round that is not (which stays in the next round, at its end).
 * The counts of leases per group are kept here, as the store tells of them.
 *
 * <p>
 * Not thread-safe: the store's lock guards it.
 */
final class ReadyJobs implements Iterable<MemoryJob> {

	/** By priority: {@code levels[p]}, made when a job of priority p first comes. */
	private final Level[] levels = new Level[Lane.MAX_PRIORITY + 1];

	private int size;

	/** How many of them are not in the default lane. */
	private int outside;

	/** Leases held of each group's jobs ("" the default group's), for groups with any. */
	private final Map<String, Integer> leases = new HashMap<>();

	int size() {
		return this.size;
	}

	boolean isEmpty() {
		return this.size == 0;
	}

	/** Adds a job after every ready job of its group and priority. */
	void addLast(MemoryJob job) {
		arriving(job);
		level(job.lane.priority()).add(job, false);
		this.size++;
	}

	/** Adds a job before every ready job of its group and priority (one handed back). */
	void addFirst(MemoryJob job) {
		arriving(job);
		level(job.lane.priority()).add(job, true);
		this.size++;
	}

	/** A job outside the default lane comes: the first one starts the turns afresh. */
	private void arriving(MemoryJob job) {
		if (job.lane.isDefault()) {
			return;
		}
		if (this.outside++ == 0) {
			for (Level level : this.levels) {
				if (level != null) {
					level.restart();
				}
			}
		}
	}

	private void leaving(MemoryJob job) {
		if (!job.lane.isDefault()) {
			this.outside--;
		}
	}

	/**
	 * Takes the job whose turn it is among groups holding fewer than {@code perGroup}
	 * leases (0: no limit), or null if there is none.
	 */
	MemoryJob pollFirst(int perGroup) {
		Predicate<String> allowed = (perGroup == 0) ? (name) -> true : (name) -> leasesOf(name) < perGroup;
		for (int p = Lane.MAX_PRIORITY; p >= Lane.MIN_PRIORITY; p--) {
			Level level = this.levels[p];
			MemoryJob job = (level != null && level.size > 0) ? level.poll(allowed) : null;
			if (job != null) {
				this.size--;
				leaving(job);
				return job;
			}
		}
		return null;
	}

	/** A lease of {@code job} begins. */
	void leased(MemoryJob job) {
		this.leases.merge(groupOf(job.lane), 1, Integer::sum);
	}

	/** A lease of {@code job} ends. */
	void unleased(MemoryJob job) {
		this.leases.computeIfPresent(groupOf(job.lane), (name, held) -> (held > 1) ? held - 1 : null);
	}

	/** Whether a job of {@code lane} may be leased under a limit of {@code perGroup}. */
	boolean allows(Lane lane, int perGroup) {
		return perGroup == 0 || leasesOf(groupOf(lane)) < perGroup;
	}

	/**
	 * Whether jobs are ready but every one is in a group holding {@code perGroup} leases
	 * (0: no limit). Looks at groups until one is not held: at most the groups that hold
	 * leases, and one.
	 */
	boolean heldByGroupLimit(int perGroup) {
		if (perGroup == 0 || this.size == 0) {
			return false;
		}
		for (Level level : this.levels) {
			if (level != null) {
				for (String name : level.groups.keySet()) {
					if (leasesOf(name) < perGroup) {
						return false;
					}
				}
			}
		}
		return true;
	}

	private int leasesOf(String group) {
		return this.leases.getOrDefault(group, 0);
	}

	private static String groupOf(Lane lane) {
		return (lane.group() != null) ? lane.group() : "";
	}

	/** Takes a job out wherever it is; false if it is not ready here. */
	boolean remove(MemoryJob job) {
		Level level = this.levels[job.lane.priority()];
		if (level == null || !level.remove(job)) {
			return false;
		}
		this.size--;
		leaving(job);
		return true;
	}

	/** Takes out every job that {@code which} selects; returns them, in this order. */
	List<MemoryJob> removeIf(Predicate<MemoryJob> which) {
		List<MemoryJob> removed = new ArrayList<>();
		for (MemoryJob job : this) {
			if (which.test(job)) {
				removed.add(job);
			}
		}
		for (int p = Lane.MIN_PRIORITY; p <= Lane.MAX_PRIORITY; p++) {
			if (this.levels[p] != null) {
				this.size -= this.levels[p].removeIf(which);
			}
		}
		removed.forEach(this::leaving);
		return removed;
	}

	void clear() {
		for (int p = Lane.MIN_PRIORITY; p <= Lane.MAX_PRIORITY; p++) {
			this.levels[p] = null;
		}
		this.size = 0;
		this.outside = 0;
	}

	/** How many groups have ready jobs (a group counted once across priorities). */
	int groups() {
		Set<String> names = new HashSet<>();
		for (Level level : this.levels) {
			if (level != null) {
				names.addAll(level.groups.keySet());
			}
		}
		return names.size();
	}

	/**
	 * The groups with the most ready jobs, most first (ties by name; the default group is
	 * {@code ""}), at most {@code limit} of them.
	 */
	List<Map.Entry<String, Integer>> largestGroups(int limit) {
		Map<String, Integer> counts = new HashMap<>();
		for (Level level : this.levels) {
			if (level != null) {
				level.groups.forEach((name, group) -> counts.merge(name, group.jobs.size(), Integer::sum));
			}
		}
		return counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
				.thenComparing(Map.Entry.comparingByKey()))
			.limit(limit)
			.map((entry) -> Map.entry(entry.getKey(), entry.getValue()))
			.toList();
	}

	/**
	 * The ready jobs: by priority, highest first; within it, group by group in the order
	 * of their turns; within a group, first in first out. (Takes interleave the groups;
	 * this lists each group whole.)
	 */
	@Override
	public Iterator<MemoryJob> iterator() {
		List<Iterator<MemoryJob>> parts = new ArrayList<>();
		for (int p = Lane.MAX_PRIORITY; p >= Lane.MIN_PRIORITY; p--) {
			Level level = this.levels[p];
			if (level != null) {
				level.current.forEach((group) -> parts.add(group.jobs.iterator()));
				level.following.forEach((group) -> parts.add(group.jobs.iterator()));
			}
		}
		return new Iterator<>() {

			private int part;

			@Override
			public boolean hasNext() {
				while (this.part < parts.size() && !parts.get(this.part).hasNext()) {
					this.part++;
				}
				return this.part < parts.size();
			}

			@Override
			public MemoryJob next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				return parts.get(this.part).next();
			}

		};
	}

	private Level level(int priority) {
		Level level = this.levels[priority];
		if (level == null) {
			level = new Level();
			this.levels[priority] = level;
		}
		return level;
	}

	/** The ready jobs of one priority, by group, and the groups' turns. */
	private static final class Level {

		/**
		 * Groups with ready jobs at this priority, by name ("" for the default group).
		 */
		private final Map<String, Group> groups = new HashMap<>();

		/** Groups whose turn comes in this round, next first. */
		private ArrayDeque<Group> current = new ArrayDeque<>();

		/** Groups whose turn comes in the next round. */
		private ArrayDeque<Group> following = new ArrayDeque<>();

		/** Groups served in this round that had no jobs left then. */
		private final Set<String> servedEmptied = new HashSet<>();

		private int size;

		void add(MemoryJob job, boolean first) {
			String name = (job.lane.group() != null) ? job.lane.group() : "";
			Group group = this.groups.get(name);
			if (group == null) {
				group = new Group(name);
				this.groups.put(name, group);
				if (this.servedEmptied.contains(name)) {
					group.following = true;
					this.following.addLast(group);
				}
				else {
					this.current.addLast(group);
				}
			}
			if (first) {
				group.jobs.addFirst(job);
			}
			else {
				group.jobs.addLast(job);
			}
			this.size++;
		}

		/**
		 * Takes the job of the first group in turn that {@code allowed} lets through, or
		 * null if none does.
		 */
		MemoryJob poll(Predicate<String> allowed) {
			if (this.current.isEmpty()) {
				ArrayDeque<Group> next = this.following;
				this.following = this.current;
				this.current = next;
				this.current.forEach((group) -> group.following = false);
				if (!this.servedEmptied.isEmpty()) {
					this.servedEmptied.clear();
				}
			}
			Group group = first(this.current, allowed);
			if (group == null) {
				group = first(this.following, allowed);
				if (group == null) {
					return null;
				}
				this.following.remove(group);
			}
			else {
				this.current.remove(group);
			}
			MemoryJob job = group.jobs.pollFirst();
			this.size--;
			if (group.jobs.isEmpty()) {
				this.groups.remove(group.name);
				this.servedEmptied.add(group.name);
			}
			else {
				group.following = true;
				this.following.addLast(group);
			}
			return job;
		}

		private static Group first(ArrayDeque<Group> groups, Predicate<String> allowed) {
			for (Group group : groups) {
				if (allowed.test(group.name)) {
					return group;
				}
			}
			return null;
		}

		/**
		 * Forgets the turns (every job here is in the default group): the group, if it
		 * has jobs, is first in this round.
		 */
		void restart() {
			this.servedEmptied.clear();
			this.following.clear();
			this.current.clear();
			for (Group group : this.groups.values()) {
				group.following = false;
				this.current.addLast(group);
			}
		}

		int removeIf(Predicate<MemoryJob> which) {
			int before = this.size;
			for (Group group : List.copyOf(this.groups.values())) {
				int had = group.jobs.size();
				if (group.jobs.removeIf(which)) {
					this.size -= had - group.jobs.size();
					if (group.jobs.isEmpty()) {
						this.groups.remove(group.name);
						(group.following ? this.following : this.current).remove(group);
					}
				}
			}
			return before - this.size;
		}

		boolean remove(MemoryJob job) {
			Group group = this.groups.get((job.lane.group() != null) ? job.lane.group() : "");
			if (group == null || !group.jobs.removeLastOccurrence(job)) {
				return false;
			}
			this.size--;
			if (group.jobs.isEmpty()) {
				this.groups.remove(group.name);
				(group.following ? this.following : this.current).remove(group);
			}
			return true;
		}

	}

	/** One group's ready jobs at one priority, first in first out. */
	private static final class Group {

		private final String name;

		private final ArrayDeque<MemoryJob> jobs = new ArrayDeque<>();

		/** Whether its turn is in the next round (else in this one). */
		private boolean following;

		Group(String name) {
			this.name = name;
		}

	}

}
