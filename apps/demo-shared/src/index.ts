export {
  ALLOWED_SPLIT_CIRCLE_OVERLAP_PCT,
  CONSUME_ANIMATION_MS,
  DECAY_FACTOR,
  DECAY_INTERVAL_MS,
  FOOD_MASS_MAX,
  FOOD_MASS_MIN,
  INPUT_RATE_HZ,
  MAX_CIRCLES_PER_PLAYER,
  MAX_NAME_LENGTH,
  MAX_WORLD_SIZE,
  MIN_MASS_TO_SPLIT,
  MIN_WORLD_SIZE,
  MINIMUM_SAFE_MASS_RATIO,
  MOVE_INTERVAL_MS,
  SELF_COLLISION_SPEED,
  SPAWN_FOOD_INTERVAL_MS,
  SPLIT_GRAV_PULL_BEFORE_RECOMBINE_SEC,
  SPLIT_RECOMBINE_DELAY_SEC,
  START_PLAYER_MASS,
  START_PLAYER_SPEED,
  TARGET_FOOD_COUNT,
  WORLD_SIZE,
} from './constants.js'
export {
  BODY_GRID_CELL_SIZE,
  Body,
  Circle,
  Config,
  DIRECTION_STEP,
  Food,
  LEADERBOARD_SIZE,
  LeaderboardEntry,
  LoggedOutCircle,
  LoggedOutPlayer,
  liveComponents,
  loggedOutComponents,
  Player,
  POSITION_STEP,
  snapDirection,
  snapPosition,
} from './components.js'
export { VIEW_ASPECT, VIEW_MARGIN, viewArea } from './view-area.js'
export { worldSizeOf } from './world-size.js'
export {
  cameraSize,
  canConsume,
  canSplit,
  hasRoomToSplit,
  isOverlapping,
  massToMaxMoveSpeed,
  massToRadius,
  pointerToDirection,
} from './formulas.js'
export { moveCircles, steerCircles } from './movement.js'
export { captureFrame, FRAME_HEADER, FRAME_STRIDE, VIEW_RADIUS } from './agent-frame.js'
export { buildView, VIEW_LIMIT } from './agent-view.js'
export { behaviorReducers } from './behavior-reducers.js'
export type { BehaviorReducers } from './behavior-reducers.js'
export { reducers } from './reducers.js'
export { spawnCircleAt, splitCircles } from './split.js'
export type { BlackholioReducers } from './reducers.js'
export type { ConsumeEvent } from './events.js'
export { CONSUME_EVENT, isConsumeEvent } from './events.js'
